/**
 * @headroom/text-ml/testing — builds a tiny real ONNX token classifier and tokenizer (Node only; needs
 * the `onnx-proto` package), for tests and for benchmarking overhead without model weights.
 */
export { writeTinyModel, tinyModelBytes, tinyTokenizerJson, tinyVocab, type TinyModelOptions } from "./tiny-model.js";
