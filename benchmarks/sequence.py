"""The sequence models of ``python -m benchmarks``: W5 (an LSTM language model) and W6 (a GPT-style stack).

Both are written once against PyTorch's API and given the framework module to build on, like the CNNs
in ``benchmarks.cnn``. W6 computes attention the way minGPT does, by matrix products, a causal
``masked_fill`` and ``softmax``, not through a fused attention call, since that is how most GPT
programs people learn from are written."""
import math


def lstm_lm(m, vocab=512, emb=128, hidden=256, layers=2):
    """Embedding -> 2-layer LSTM -> linear decoder over the vocabulary (the word-language-model shape)."""
    nn = m.nn

    class LSTMModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Embedding(vocab, emb)
            self.rnn = nn.LSTM(emb, hidden, layers, batch_first=True)
            self.decoder = nn.Linear(hidden, vocab)

        def forward(self, tokens):
            out, _ = self.rnn(self.encoder(tokens))
            return self.decoder(out)

    return LSTMModel()


def gpt(m, vocab=65, d=128, heads=4, layers=4, ctx=64, dropout=0.1):
    """A minGPT-style decoder: token + position embeddings, pre-norm blocks of causal self-attention and a
    GELU MLP, a final LayerNorm and a linear head."""
    nn, F = m.nn, m.nn.functional

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(d, 3 * d)
            self.proj = nn.Linear(d, d)
            self.attn_drop, self.resid_drop = nn.Dropout(dropout), nn.Dropout(dropout)
            self.register_buffer("mask", m.tril(m.ones(ctx, ctx)).view(1, 1, ctx, ctx))

        def forward(self, x):
            b, t, c = x.size()
            q, k, v = self.qkv(x).split(d, dim=2)
            q, k, v = (z.view(b, t, heads, c // heads).transpose(1, 2) for z in (q, k, v))
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.mask[:, :, :t, :t] == 0, float("-inf"))
            att = self.attn_drop(F.softmax(att, dim=-1))
            y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
            return self.resid_drop(self.proj(y))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.attn = CausalSelfAttention()
            self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d), nn.Dropout(dropout))

        def forward(self, x):
            x = x + self.attn(self.ln1(x))
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok, self.pos = nn.Embedding(vocab, d), nn.Embedding(ctx, d)
            self.drop = nn.Dropout(dropout)
            self.blocks = nn.Sequential(*[Block() for _ in range(layers)])
            self.ln_f, self.head = nn.LayerNorm(d), nn.Linear(d, vocab, bias=False)

        def forward(self, idx):
            pos = m.arange(idx.size(1)).unsqueeze(0)
            x = self.drop(self.tok(idx) + self.pos(pos))
            return self.head(self.ln_f(self.blocks(x)))

    return GPT()
