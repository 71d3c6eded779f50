import { AUDIT_CSV_HEADER, toCsvLine } from './formatAuditExport';

describe('toCsvLine', () => {
  it('quotes only the fields that need it, doubling quotes, and keeps line breaks inside quotes', () => {
    const line = toCsvLine({
      seq: 7,
      createdAt: '2030-01-01T00:00:00.000Z',
      action: 'promotion.failed',
      actor: 'user:default/o"brien',
      promotionId: null,
      entityRef: 'component:default/a,b',
      environment: 'line\r\nbreak',
      details: {},
      prevHash: 'a',
      hash: 'b',
    });
    expect(line).toBe(
      '7,2030-01-01T00:00:00.000Z,promotion.failed,"user:default/o""brien",,"component:default/a,b","line\r\nbreak",{},a,b\r\n',
    );
    expect(AUDIT_CSV_HEADER.split(',')).toHaveLength(10);
  });
});
