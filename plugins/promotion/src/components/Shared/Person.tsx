import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { peopleRef } from '../../lib';

/**
 * Who did something, as the catalog shows people: a link with the display
 * name when `who` is a user or group entity ref (a `Promoted-By` trailer, a
 * bypass), and the text as it is otherwise (a git author name, a CI subject).
 */
export const Person = (props: { who: string }) => {
  const ref = peopleRef(props.who);
  if (!ref) {
    return <>{props.who}</>;
  }
  return <EntityRefLink entityRef={ref} defaultKind="user" hideIcon />;
};
