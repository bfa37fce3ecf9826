"""A character-level GPT built from nn.TransformerEncoder (2023-2024 style): batch_first pre-norm layers
with GELU, a causal mask from nn.Transformer.generate_square_subsequent_mask passed with is_causal=True,
weight tying, AdamW with a cosine schedule (torch.optim.lr_scheduler), and greedy sampling.
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F

TEXT = "hello world, hello transformer. the quick brown fox jumps over the lazy dog. " * 40


class CharGPT(nn.Module):
    def __init__(self, vocab_size, block_size, d_model=48, nhead=4, num_layers=2, dropout=0.0):
        super().__init__()
        self.block_size = block_size
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Parameter(torch.zeros(1, block_size, d_model))
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=4 * d_model, dropout=dropout,
                                           activation="gelu", batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, num_layers, norm=nn.LayerNorm(d_model),
                                            enable_nested_tensor=False)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.tok.weight  # weight tying
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(block_size))

    def forward(self, idx, targets=None):
        T = idx.size(1)
        x = self.tok(idx) + self.pos[:, :T]
        x = self.blocks(x, mask=self.mask[:T, :T], is_causal=True)
        logits = self.head(x)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
        return logits, loss

    @torch.no_grad()
    def generate(self, idx, steps):
        for _ in range(steps):
            logits, _ = self(idx[:, -self.block_size:])
            idx = torch.cat([idx, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
        return idx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--block-size", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-3)
    args = parser.parse_args()
    torch.manual_seed(0)

    chars = sorted(set(TEXT))
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in TEXT], dtype=torch.long)
    model = CharGPT(len(chars), args.block_size)
    print("parameters:", sum(p.numel() for p in model.parameters()))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.steps)

    def batch():
        ix = torch.randint(len(data) - args.block_size - 1, (args.batch_size,))
        x = torch.stack([data[i:i + args.block_size] for i in ix])
        y = torch.stack([data[i + 1:i + args.block_size + 1] for i in ix])
        return x, y

    for step in range(args.steps):
        x, y = batch()
        _, loss = model(x, y)
        if step == 0:
            print("Initial loss: {:.4f}".format(loss.item()))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        scheduler.step()
    print("Final loss: {:.4f}".format(loss.item()))
    model.eval()
    start = torch.tensor([[stoi[c] for c in "hello "]])
    text = "".join(chars[i] for i in model.generate(start, 20)[0].tolist())
    print("Sample: " + repr(text))


if __name__ == "__main__":
    main()
