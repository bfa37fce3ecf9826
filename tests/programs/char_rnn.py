"""A character-level language model: nn.Embedding, then nn.LSTM or nn.GRU, then a linear decoder.

Learns a short repeated text, prints the training loss, then generates text
from a prompt greedily.
"""
import argparse

import torch
import torch.nn as nn

TEXT = ("the quick brown fox jumps over the lazy dog. "
        "a stitch in time saves nine. all that glitters is not gold. ") * 20


class CharModel(nn.Module):
    def __init__(self, vocab_size, embed_size, hidden_size, num_layers=1, rnn_type='LSTM', dropout=0.0):
        super(CharModel, self).__init__()
        self.rnn_type = rnn_type
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.encoder = nn.Embedding(vocab_size, embed_size)
        self.rnn = getattr(nn, rnn_type)(embed_size, hidden_size, num_layers, batch_first=True, dropout=dropout)
        self.decoder = nn.Linear(hidden_size, vocab_size)

    def forward(self, input, hidden):
        emb = self.encoder(input)
        output, hidden = self.rnn(emb, hidden)
        return self.decoder(output), hidden

    def init_hidden(self, batch_size):
        weight = next(self.parameters())
        if self.rnn_type == 'LSTM':
            return (weight.new_zeros(self.num_layers, batch_size, self.hidden_size),
                    weight.new_zeros(self.num_layers, batch_size, self.hidden_size))
        return weight.new_zeros(self.num_layers, batch_size, self.hidden_size)


def repackage_hidden(h):
    """Cut the hidden state off from the history that produced it."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


@torch.no_grad()
def generate(model, prompt, length, stoi, itos, device):
    model.eval()
    hidden = model.init_hidden(1)
    input = torch.tensor([[stoi[c] for c in prompt]], device=device)
    out = prompt
    for _ in range(length):
        logits, hidden = model(input, hidden)
        next_id = logits[0, -1].argmax().item()
        out += itos[next_id]
        input = torch.tensor([[next_id]], device=device)
    return out


def main():
    parser = argparse.ArgumentParser(description='Character-level RNN')
    parser.add_argument('--model', type=str, default='LSTM', help='LSTM or GRU')
    parser.add_argument('--emsize', type=int, default=16)
    parser.add_argument('--nhid', type=int, default=64)
    parser.add_argument('--nlayers', type=int, default=1)
    parser.add_argument('--bptt', type=int, default=25)
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--lr', type=float, default=0.01)
    parser.add_argument('--clip', type=float, default=1.0)
    parser.add_argument('--steps', type=int, default=150)
    parser.add_argument('--seed', type=int, default=1111)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

    chars = sorted(set(TEXT))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = {i: c for c, i in stoi.items()}
    data = torch.tensor([stoi[c] for c in TEXT], dtype=torch.long)
    # Lay the text out as batch_size parallel streams.
    nbatch = data.size(0) // args.batch_size
    streams = data[:nbatch * args.batch_size].view(args.batch_size, -1).to(device)

    model = CharModel(len(chars), args.emsize, args.nhid, args.nlayers, args.model).to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    model.train()
    hidden = model.init_hidden(args.batch_size)
    position = 0
    for step in range(1, args.steps + 1):
        if position + args.bptt + 1 > streams.size(1):
            position = 0
            hidden = model.init_hidden(args.batch_size)
        inputs = streams[:, position:position + args.bptt]
        targets = streams[:, position + 1:position + 1 + args.bptt]
        position += args.bptt

        hidden = repackage_hidden(hidden)
        optimizer.zero_grad()
        output, hidden = model(inputs, hidden)
        loss = criterion(output.reshape(-1, len(chars)), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        if step % 25 == 0:
            print('| step {:3d} | loss {:5.3f} | ppl {:8.2f}'.format(step, loss.item(), torch.exp(loss).item()))

    sample = generate(model, 'the quick', 30, stoi, itos, device)
    print('Sample: ' + repr(sample))
    print('Final loss: {:.4f}'.format(loss.item()))
    print('Sample matches text: {:d}'.format(int(sample in TEXT)))


if __name__ == '__main__':
    main()
