import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { DEFAULT_CALIBRATION, Retriever, calibrate, fitPlatt } from '../../src/retrieval/index.js';
import { LOCALES, tempTree } from '../helpers.js';

describe('confidence calibration', () => {
  it('fits the logistic curve that produced the labels', () => {
    // 100 samples per score, of which round(100 · σ(4s − 2)) are right.
    const samples = Array.from({ length: 51 }, (_, i) => i / 50).flatMap((score) => {
      const right = Math.round(100 / (1 + Math.exp(-(4 * score - 2))));
      return Array.from({ length: 100 }, (_, j) => ({ score, correct: j < right }));
    });
    const { slope, intercept } = fitPlatt(samples);
    expect(slope).toBeCloseTo(4, 1);
    expect(intercept).toBeCloseTo(-2, 1);
  });

  it('stays finite when right and wrong separate perfectly', () => {
    const scale = fitPlatt([{ score: 0.1, correct: false }, { score: 0.2, correct: false }, { score: 0.8, correct: true }, { score: 0.9, correct: true }]);
    expect(Number.isFinite(scale.slope) && Number.isFinite(scale.intercept)).toBe(true);
    expect(calibrate(0.9, scale)).toBeGreaterThan(0.5);
    expect(calibrate(0.1, scale)).toBeLessThan(0.5);
  });

  it('turns raw scores into the calibrated confidence of their language and mode, keeping the order', async () => {
    const kb = await loadKnowledge({
      dir: tempTree({
        'a.md': '---\nid: contrasena\ntitle: Cambiar la contraseña\n---\nDesde el perfil.\n',
        'b.md': '---\nid: clave-wifi\ntitle: Cambiar la clave del wifi\n---\nDesde el router.\n',
      }),
      locales: LOCALES, maxFileBytes: 1e6,
    });
    const query = 'cambiar contraseña';
    const raw = (await new Retriever(kb, undefined, false).search(query)).hits;
    const calibrated = (await new Retriever(kb).search(query)).hits;
    expect(raw.map((h) => h.confidence)).toEqual(raw.map((h) => h.signals.raw));
    expect(calibrated.map((h) => h.article.id)).toEqual(raw.map((h) => h.article.id));
    expect(calibrated.map((h) => h.signals.calibration)).toEqual(['lexical/es', 'lexical/es']);
    expect(calibrated.map((h) => h.confidence)).toEqual(raw.map((h) => calibrate(h.signals.raw, DEFAULT_CALIBRATION['lexical/es'])));
    expect(calibrated[0]!.confidence).not.toBe(raw[0]!.confidence);
  });
});
