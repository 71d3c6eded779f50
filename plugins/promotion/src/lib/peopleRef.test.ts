import { peopleRef } from './peopleRef';

describe('peopleRef', () => {
  it('recognises the entity ref of a user or group', () => {
    expect(peopleRef('user:development/guest')).toBe('user:development/guest');
    expect(peopleRef('User:default/Alice')).toBe('user:default/alice');
    expect(peopleRef('group:default/release-managers')).toBe(
      'group:default/release-managers',
    );
  });

  it('leaves git author names, CI subjects and the scheduler alone', () => {
    expect(peopleRef('Jane Doe')).toBeUndefined();
    expect(peopleRef('promotion-bot')).toBeUndefined();
    expect(peopleRef('external:github-actions')).toBeUndefined();
    expect(peopleRef('plugin:promotion')).toBeUndefined();
    expect(peopleRef('user: alice')).toBeUndefined();
  });
});
