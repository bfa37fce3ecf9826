"""torchvision.utils: tile a batch of generated images with make_grid and write them with save_image."""
import argparse

import torch
import torchvision.utils as vutils
from torchvision.utils import make_grid, save_image


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--n', type=int, default=16)
    parser.add_argument('--nrow', type=int, default=4)
    args = parser.parse_args()

    # A batch of 3x16x16 gradients, each with a bright square at a different place.
    images = torch.zeros(args.n, 3, 16, 16)
    ramp = torch.linspace(0, 1, 16)
    images[:, 0] = ramp.view(1, 16)
    images[:, 2] = ramp.view(16, 1)
    for i in range(args.n):
        r, c = (i * 3) % 12, (i * 5) % 12
        images[i, 1, r:r + 4, c:c + 4] = 1.0

    grid = make_grid(images, nrow=args.nrow, padding=2)
    print('Grid shape: {}'.format(tuple(grid.shape)))
    save_image(images, 'grid.png', nrow=args.nrow)
    vutils.save_image(images[:1] * 4 - 2, 'single.png', normalize=True)
    gray = make_grid(images[:, :1], nrow=args.nrow, normalize=True, pad_value=0.5)
    print('Gray grid channels: {}'.format(gray.size(0)))

    from PIL import Image
    with Image.open('grid.png') as im:
        print('Saved size: {}x{} mode {}'.format(im.width, im.height, im.mode))
        pixel = im.getpixel((2 + 15, 2))  # top-right pixel of the first image: full red
    print('Corner pixel: {}'.format(pixel))
    print('Grid width: {}'.format(grid.size(2)))


if __name__ == '__main__':
    main()
