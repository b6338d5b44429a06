import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
// onnx-proto is CommonJS (`module.exports = { onnx }`): Node's ESM loader only exposes it as the default export.
import onnxProto from 'onnx-proto';
import { seededRandom } from '../../src/util/random.js';

const { onnx } = onnxProto;

/** Width of the tiny model's vectors. */
export const TINY_DIMENSIONS = 16;

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

/**
 * Every word the tiny model knows (lowercase, accents stripped: the tokenizer normalizes text the same way).
 * Anything else, punctuation included, is [UNK].
 */
export const TINY_VOCABULARY = [
  'hola', 'hello', 'como', 'how', 'cambio', 'cambiar', 'change', 'mi', 'my', 'la', 'el', 'de', 'the', 'to', 'in', 'en',
  'contrasena', 'password', 'descargar', 'download', 'factura', 'invoice', 'roaming', 'francia', 'france',
  'cuenta', 'account', 'pago', 'payment', 'tarjeta', 'card', 'nueva', 'new', 'secret', 'login', 'perfil', 'profile',
  'seguridad', 'security', 'envio', 'shipping', 'pedido', 'order', 'ayuda', 'help', 'billing', 'section', 'app',
] as const;

/**
 * The embedding table: one Gaussian random vector per word (nearly orthogonal to each other, so texts that share
 * words are closer than texts that share none); zero for [PAD], [CLS] and [SEP] (they do not move the mean's
 * direction); a small constant for [UNK] (a text of unknown words alone still gets a direction, not NaN).
 */
function embeddingTable(vocabSize: number, dim: number): Float32Array {
  const table = new Float32Array(vocabSize * dim);
  const next = seededRandom(20240601);
  for (let id = 0; id < vocabSize; id++) {
    for (let d = 0; d < dim; d++) {
      const gaussian = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      table[id * dim + d] = id === 1 ? 0.05 : id < SPECIAL.length ? 0 : gaussian;
    }
  }
  return table;
}

/**
 * The ONNX graph of a BERT-shaped encoder with no layers:
 *   last_hidden_state[b, s, :] = embeddings[input_ids[b, s], :] * attention_mask[b, s]
 * Inputs input_ids and attention_mask (int64 [batch, sequence]); transformers.js feeds only the inputs the session
 * declares, so no token_type_ids input is needed.
 */
function modelBytes(vocabSize: number, dim: number): Uint8Array {
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  const tensorType = (elemType: number, dims: (string | number)[]) => ({
    tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'escucha-tests',
    graph: {
      name: 'tiny-encoder',
      initializer: [
        { name: 'embeddings', dataType: FLOAT, dims: [vocabSize, dim], floatData: Array.from(embeddingTable(vocabSize, dim)) },
        { name: 'last_axis', dataType: INT64, dims: [1], int64Data: [-1] },
      ],
      node: [
        { opType: 'Gather', input: ['embeddings', 'input_ids'], output: ['token_vectors'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
        { opType: 'Cast', input: ['attention_mask'], output: ['mask_float'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] },
        { opType: 'Unsqueeze', input: ['mask_float', 'last_axis'], output: ['mask_3d'] },
        { opType: 'Mul', input: ['token_vectors', 'mask_3d'], output: ['last_hidden_state'] },
      ],
      input: [
        { name: 'input_ids', type: tensorType(INT64, ['batch', 'sequence']) },
        { name: 'attention_mask', type: tensorType(INT64, ['batch', 'sequence']) },
      ],
      output: [{ name: 'last_hidden_state', type: tensorType(FLOAT, ['batch', 'sequence', dim]) }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** A BERT-style tokenizer.json (WordPiece over whole words, BERT normalizer and pre-tokenizer, [CLS] … [SEP]). */
function tokenizerJson(vocab: readonly string[]): object {
  const ids = Object.fromEntries(vocab.map((token, id) => [token, id]));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', cls: ['[CLS]', ids['[CLS]']], sep: ['[SEP]', ids['[SEP]']] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  };
}

/**
 * Writes a real, tiny sentence-embedding model that transformers.js loads from `modelsDir` with downloads off:
 * `<modelsDir>/<org>/<name>/{config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx,
 * onnx/model_quantized.onnx}`. Returns the model folder.
 */
export function writeTinyModel(modelsDir: string, model = 'test-org/tiny-encoder'): string {
  const dir = path.join(modelsDir, ...model.split('/'));
  const vocab = [...SPECIAL, ...TINY_VOCABULARY];
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const json = (file: string, value: object): void => writeFileSync(path.join(dir, file), JSON.stringify(value, null, 2));
  json('config.json', {
    model_type: 'bert', architectures: ['BertModel'], vocab_size: vocab.length, hidden_size: TINY_DIMENSIONS,
    num_hidden_layers: 0, num_attention_heads: 1, intermediate_size: TINY_DIMENSIONS, max_position_embeddings: 128, type_vocab_size: 2,
  });
  json('tokenizer.json', tokenizerJson(vocab));
  json('tokenizer_config.json', {
    tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 128,
    unk_token: '[UNK]', pad_token: '[PAD]', cls_token: '[CLS]', sep_token: '[SEP]',
  });
  const bytes = modelBytes(vocab.length, TINY_DIMENSIONS);
  // Same graph under both names: transformers.js picks the file by `quantized`, never checks it really is.
  writeFileSync(path.join(dir, 'onnx', 'model.onnx'), bytes);
  writeFileSync(path.join(dir, 'onnx', 'model_quantized.onnx'), bytes);
  return dir;
}
