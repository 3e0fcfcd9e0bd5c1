"""The NumPy all-MiniLM-L6-v2 (bot/sentence_encoder.py) against the reference implementation.

The expected token ids are what Hugging Face's tokenizer for this model gave, and the expected
vectors what sentence-transformers gave (2026-12-08, sentence-transformers 5 on PyTorch
2.13), for the same weights (requirements/sentence-encoder.txt, unpacked by scripts/setup.sh).
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.sentence_encoder import MAX_TOKENS, SentenceEncoder, _gelu

TOKENS = {
    "hi": [101, 7632, 102],
    "He's outside with a KNIFE!!": [101, 2002, 1005, 1055, 2648, 2007, 1037, 5442, 999, 999, 102],
    "my fella keeps checking my phone n says who i can see": [
        101,
        2026,
        3062,
        2050,
        7906,
        9361,
        2026,
        3042,
        1050,
        2758,
        2040,
        1045,
        2064,
        2156,
        102,
    ],  # fmt: skip
    "Café naïve — “quoted” 😀 日本語": [
        101,
        7668,
        15743,
        1517,
        1523,
        9339,
        1524,
        100,
        1864,
        1876,
        1950,
        102,
    ],  # fmt: skip
    "£50 @home #metoo": [101, 27813, 2692, 1030, 2188, 1001, 2777, 9541, 102],
    "don't   stop!!!\tnow\n": [101, 2123, 1005, 1056, 2644, 999, 999, 999, 2085, 102],
    "x" * 150: [101, 100, 102],  # a word over 100 characters is unknown
    "": [101, 102],
    "unbelievably controlling behaviour": [101, 4895, 8671, 2666, 3567, 6321, 9756, 9164, 102],
}

SENTENCES = [
    "what is coercive control",
    "he's outside with a knife",
    "can you set an alarm for 7",
    "my partner checks my phone and tells me who i can see",
]
FIRST_NUMBERS = [
    [-0.06437, -0.01916, -0.08856, 0.05502, 0.00239, 0.07689],
    [0.05042, 0.0654, -0.02115, 0.03266, -0.0084, 0.00509],
    [-0.00101, 0.01055, -0.01664, 0.03014, 0.00608, 0.10047],
    [-0.01416, 0.00178, 0.04373, -0.0621, -0.00832, -0.02393],
]
# cosine similarities between the four reference vectors: a check on all 384 numbers of each
SIMILARITIES = [
    [1.0, -0.04103, 0.01814, 0.06348],
    [-0.04103, 1.0, -0.00474, 0.10352],
    [0.01814, -0.00474, 1.0, 0.09911],
    [0.06348, 0.10352, 0.09911, 1.0],
]


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder()


@pytest.mark.parametrize("text", list(TOKENS))
def test_tokens_are_the_reference_tokenizers(encoder, text):
    assert encoder.tokenize(text) == TOKENS[text]


def test_a_long_text_is_cut_to_the_models_length_with_its_end_marker(encoder):
    ids = encoder.tokenize(" ".join(["word"] * 300))
    assert len(ids) == MAX_TOKENS and ids[0] == 101 and ids[-1] == 102


def test_vectors_are_the_reference_vectors(encoder):
    vectors = encoder.encode(SENTENCES)
    assert vectors.shape == (4, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors[:, :6], FIRST_NUMBERS, atol=2e-5)
    np.testing.assert_allclose(vectors @ vectors.T, SIMILARITIES, atol=2e-5)


def test_a_texts_vector_does_not_depend_on_what_it_is_batched_with(encoder):
    # texts of different lengths share a padded batch; padding must not change a vector
    texts = SENTENCES + ["hi"]
    alone = np.vstack([encoder.encode([text]) for text in texts])
    np.testing.assert_allclose(encoder.encode(texts, batch_size=8), alone, atol=1e-5)
    # several batches, on a thread per core, each vector back in its text's place
    np.testing.assert_allclose(encoder.encode(texts, batch_size=2), alone, atol=1e-5)


def test_a_long_text_is_embedded_as_the_reference_embeds_its_first_256_tokens(encoder):
    vector = encoder.encode([" ".join(["word"] * 300)])[0]
    np.testing.assert_allclose(vector[:4], [-0.00812, -0.09559, -0.03867, 0.04966], atol=2e-5)


def test_gelu_is_the_exact_gelu():
    from scipy.special import erf

    x = np.linspace(-8, 8, 100_001, dtype=np.float32).reshape(-1, 1)
    expected = x.astype(np.float64) * 0.5 * (1 + erf(x.astype(np.float64) / np.sqrt(2)))
    np.testing.assert_allclose(_gelu(x.copy()), expected, atol=1e-6)


def test_missing_weights_say_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="scripts/setup.sh"):
        SentenceEncoder(tmp_path)
