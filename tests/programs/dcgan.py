"""A small DCGAN after pytorch/examples' dcgan (2017-2024): ConvTranspose2d generator and Conv2d
discriminator with BatchNorm and LeakyReLU, weights_init via Module.apply, BCELoss with real and fake
labels, Adam with betas (0.5, 0.999), and a fixed noise batch. The data are 16x16 images of a bright
square at a random place, so it runs in seconds without downloads.
"""
import argparse

import torch
import torch.nn as nn
import torch.optim as optim


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        torch.nn.init.normal_(m.weight, 1.0, 0.02)
        torch.nn.init.zeros_(m.bias)


class Generator(nn.Module):
    def __init__(self, nz, ngf):
        super(Generator, self).__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False),  # 4x4
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),  # 8x8
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False),  # 16x16
            nn.Tanh(),
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self, ndf):
        super(Discriminator, self).__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, input):
        return self.main(input).view(-1, 1).squeeze(1)


def real_batch(n):
    images = -torch.ones(n, 1, 16, 16)
    corners = torch.randint(0, 12, (n, 2))
    for i in range(n):
        r, c = corners[i].tolist()
        images[i, 0, r:r + 4, c:c + 4] = 1.0
    return images


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--niter', type=int, default=60)
    parser.add_argument('--batchSize', type=int, default=16)
    parser.add_argument('--nz', type=int, default=8)
    parser.add_argument('--lr', type=float, default=0.0005)
    args = parser.parse_args()
    torch.manual_seed(1)

    netG = Generator(args.nz, 8)
    netG.apply(weights_init)
    netD = Discriminator(8)
    netD.apply(weights_init)
    criterion = nn.BCELoss()
    fixed_noise = torch.randn(4, args.nz, 1, 1)
    real_label, fake_label = 1., 0.
    optimizerD = optim.Adam(netD.parameters(), lr=args.lr, betas=(0.5, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=args.lr, betas=(0.5, 0.999))

    for i in range(args.niter):
        # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        real = real_batch(args.batchSize)
        label = torch.full((args.batchSize,), real_label)
        output = netD(real)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()
        noise = torch.randn(args.batchSize, args.nz, 1, 1)
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach())
        errD_fake = criterion(output, label)
        errD_fake.backward()
        errD = errD_real + errD_fake
        optimizerD.step()
        # (2) Update G network: maximize log(D(G(z)))
        netG.zero_grad()
        label.fill_(real_label)
        output = netD(fake)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()
        if i % 20 == 0:
            print('[%d/%d] Loss_D: %.4f Loss_G: %.4f D(x): %.4f D(G(z)): %.4f'
                  % (i, args.niter, errD.item(), errG.item(), D_x, D_G_z2))
    netG.eval()
    with torch.no_grad():
        samples = netG(fixed_noise)
    print('Sample shape: {}'.format(tuple(samples.shape)))
    print('Sample range: {:.4f}'.format((samples.max() - samples.min()).item()))
    print('Final D loss: {:.4f}'.format(errD.item()))
    print('Final G loss: {:.4f}'.format(errG.item()))


if __name__ == '__main__':
    main()
