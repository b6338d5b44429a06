import { describe, expect, it } from 'vitest';
import type { Section } from '../../src/knowledge/index.js';
import { renderReply, trimSection, type Reply } from '../../src/dialogue/render.js';

const section = (...blocks: string[]): Section => ({
  anchor: 'a', heading: 'H', headingPath: ['H'], line: 1, text: blocks.join('\n\n'),
  markdown: blocks.join('\n\n'), blocks: blocks.map((markdown) => ({ markdown, text: markdown })),
});
const labels = { readMore: (link: string) => `Artículo completo: ${link}`, related: 'También:' };

describe('reply trimming', () => {
  it('keeps whole blocks up to the limit, never cutting a list', () => {
    const list = '1. Abre la app.\n2. Toca Perfil.\n3. Toca Seguridad.';
    const { markdown, trimmed } = trimSection(section('Intro corta.', list, 'x'.repeat(300)), 120);
    expect(markdown).toBe(`Intro corta.\n\n${list}`);
    expect(trimmed).toBe(true);
  });

  it('cuts a first block longer than the limit at a sentence, else a word, with an ellipsis', () => {
    const long = `${'Primera frase bastante larga para el chat. '.repeat(3)}Y sigue.`;
    expect(trimSection(section(long), 100).markdown).toBe('Primera frase bastante larga para el chat. Primera frase bastante larga para el chat.');
    expect(trimSection(section('palabra '.repeat(40).trim()), 50).markdown).toMatch(/^(palabra ){5}palabra…$/);
  });

  it('turns links between articles into help center URLs', () => {
    const { markdown } = trimSection(section('Mira [la factura](kb://factura#descargar).'), 200, 'https://ayuda.nubo.es/');
    expect(markdown).toBe('Mira [la factura](https://ayuda.nubo.es/factura#descargar).');
  });
});

describe('reply rendering', () => {
  const reply: Reply = {
    text: 'Pulsa **Guardar** <script>alert(1)</script> y [mira](javascript:alert(1)) o [aquí](https://nubo.es/x?a=1&b=2).',
    citation: { title: 'Cambiar la contraseña', url: '/help/cambiar-contrasena#app' },
  };

  it('escapes HTML and drops unsafe link targets in every format', () => {
    const html = renderReply(reply, 'html', labels);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<strong>Guardar</strong>');
    expect(html).toContain('<a href="https://nubo.es/x?a=1&amp;b=2">aquí</a>');
    expect(html).toContain('<a href="/help/cambiar-contrasena#app">Cambiar la contraseña</a>');

    const markdown = renderReply(reply, 'markdown', labels);
    expect(markdown).not.toContain('<script>');
    expect(markdown).not.toContain('javascript:');
    expect(markdown).toContain('Artículo completo: [Cambiar la contraseña](/help/cambiar-contrasena#app)');

    const plain = renderReply(reply, 'plain', labels);
    expect(plain).toContain('Pulsa Guardar');
    expect(plain).toContain('aquí (https://nubo.es/x?a=1&b=2)');
    expect(plain).not.toContain('javascript:');
  });

  it('numbers clarification options in text formats', () => {
    const reply = { text: '¿Cuál?', options: [{ label: 'PIN', value: 'PIN' }, { label: 'PUK', value: 'PUK' }], hint: 'Responde con el número.' };
    expect(renderReply(reply, 'plain', labels)).toBe('¿Cuál?\n\n1. PIN\n2. PUK\n\nResponde con el número.');
    expect(renderReply(reply, 'markdown', labels, { optionsAsButtons: true })).toBe('¿Cuál?');
  });
});
