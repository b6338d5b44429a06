import { describe, expect, it } from 'vitest';
import { createRedactor, luhn, patternProblem, redact, validIban, validSpanishId } from '../../src/privacy/redact.js';

describe('redaction', () => {
  it.each([
    ['mi correo es ana.garcia+nubo@example.es, escríbeme', 'mi correo es [email], escríbeme'],
    ['email me at John.Doe@mail.co.uk.', 'email me at [email].'],
    ['María: maría.pérez@correo.es', 'María: [email]'],
  ])('emails: %j', (text, expected) => expect(redact(text)).toBe(expected));

  it.each([
    ['llámame al 612 345 678', 'llámame al [phone]'],
    ['mi móvil: 612345678', 'mi móvil: [phone]'],
    ['tel 612 34 56 78 por la tarde', 'tel [phone] por la tarde'],
    ['el fijo es 91 123 45 67', 'el fijo es [phone]'],
    ['+34 612 345 678', '[phone]'],
    ['0034 612345678', '[phone]'],
    ['(+34) 612-345-678', '[phone]'],
    ['mi número es 712 345 678', 'mi número es [phone]'],
    ['call me on +44 20 7946 0958', 'call me on [phone]'],
    ['my number is (555) 123-4567', 'my number is [phone]'],
    ['or 555-123-4567 after 5', 'or [phone] after 5'],
    ['+1 555 123 4567', '[phone]'],
    ['UK mobile 07700 900123', 'UK mobile [phone]'],
  ])('phone numbers: %j', (text, expected) => expect(redact(text)).toBe(expected));

  it.each([
    ['tarjeta 4111 1111 1111 1111 caduca 12/27', 'tarjeta [card] caduca 12/27'],
    ['card 5500-0000-0000-0004', 'card [card]'],
    ['amex 378282246310005', 'amex [card]'],
    ['card 4111 1111 1111 1111 2024', 'card [card] 2024'],
  ])('card numbers that pass Luhn: %j', (text, expected) => expect(redact(text)).toBe(expected));

  it.each([
    ['DNI 12345678Z', 'DNI [id]'],
    ['mi dni es 12345678-z', 'mi dni es [id]'],
    ['DNI 12.345.678-Z', 'DNI [id]'],
    ['mi NIE es X1234567L', 'mi NIE es [id]'],
    ['NIE y-1234567-x', 'NIE [id]'],
    ['Z 1234567 R', '[id]'],
  ])('Spanish DNI and NIE with their letter: %j', (text, expected) => expect(redact(text)).toBe(expected));

  it.each([
    ['IBAN ES91 2100 0418 4502 0005 1332', 'IBAN [iban]'],
    ['es9121000418450200051332 gracias', '[iban] gracias'],
    ['my IBAN is GB82 WEST 1234 5698 7654 32.', 'my IBAN is [iban].'],
    ['DE89 3704 0044 0532 0130 00', '[iban]'],
  ])('IBANs with valid check digits: %j', (text, expected) => expect(redact(text)).toBe(expected));

  it.each([
    'mi pedido 612345678 no ha llegado',
    'el número de pedido es 712345678',
    'order #912 345 678 is late',
    'factura nº 600123456',
    'ticket: 955 123 456',
    'pedido A-1234567890123',
    'order 100234567',
    'el 12/03/2024 a las 10:30',
    'since 2024-03-12',
    'on 03/12/2024',
    'me cobraron 19,99 € y luego 1.299,00 €',
    'it cost $1,299.00 and then €649.99',
    'la tarifa de 699.000.000 €',
    'tengo 2 líneas y 5 GB',
    'card 4111111111111112 (a typo)',
    'dni 12345678A',
    'ES91 2100 0418 4502 0005 1333',
    'version 10.2.3, build 20241103',
    'tracking number 1Z999AA10123456784',
    'llevo 45 minutos esperando',
  ])('leaves alone what is not personal data: %j', (text) => expect(redact(text)).toBe(text));

  it('adds the operator\'s patterns and can leave kinds out', () => {
    const custom = createRedactor({
      patterns: ['NUBO-\\d{6}', { pattern: 'cliente \\d+', flags: 'i', replacement: 'cliente [n]' }],
    });
    expect(custom('Cliente 1234, ref NUBO-123456, ana@x.es')).toBe('cliente [n], ref [redacted], [email]');
    expect(createRedactor({ kinds: ['email'] })('ana@x.es 612 345 678')).toBe('[email] 612 345 678');
    expect(patternProblem('(')).toMatch(/invalid regular expression/);
    expect(patternProblem({ pattern: 'x*' })).toMatch(/matches empty text/);
    expect(() => createRedactor({ patterns: ['['] })).toThrow(/invalid regular expression/);
  });

  it('checks the check digits', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('4111111111111112')).toBe(false);
    expect(luhn('0000000000000')).toBe(false);
    expect(validSpanishId('12345678Z')).toBe(true);
    expect(validSpanishId('X1234567L')).toBe(true);
    expect(validSpanishId('X12345678L')).toBe(false);
    expect(validIban('ES9121000418450200051332')).toBe(true);
    expect(validIban('ES912100041845020005133')).toBe(false);
  });
});
