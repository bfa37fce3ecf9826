"""``ember train``: the founding tutorial's logistic regression on MNIST, every setting a flag."""
import argparse
import json
import os
import time

from . import data as data_sources

DESCRIPTION = """\
Train the founding tutorial's model: logistic regression on MNIST with cross-entropy,
SGD at lr 1e-3, batch size 8, 5 epochs. MNIST is looked for in --data-dir, $EMBER_DATA
and the user cache, then downloaded; when that fails too, training falls back to the
8x8 digits bundled with Ember. The run leaves the weights (model.pt), metrics.json and,
with matplotlib, loss/accuracy curves and a grid of predictions under --out."""

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta")


def add_parser(sub, formatter):
    """Add ``ember train`` and its options to the ``ember`` command's subparsers."""
    p = sub.add_parser("train", help="train the tutorial's model (logistic regression on MNIST by default)",
                       description=DESCRIPTION, formatter_class=formatter)
    p.add_argument("--epochs", type=int, default=5, help="passes over the training set")
    p.add_argument("--batch-size", type=int, default=8, help="images per step")
    p.add_argument("--lr", type=float, default=None,
                   help="learning rate (default: the tutorial's 1e-3; 0.05 on the small digits fallback)")
    p.add_argument("--momentum", type=float, default=0.0, help="SGD momentum")
    p.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd", help="optimizer from ember.optim")
    p.add_argument("--model", choices=("logreg", "mlp", "cnn"), default="logreg",
                   help="logistic regression, a 2-hidden-layer MLP, or the classic MNIST CNN")
    p.add_argument("--dataset", choices=tuple(data_sources.DATASETS), default=None,
                   help="default: mnist, falling back to the bundled 8x8 digits when MNIST is unavailable")
    p.add_argument("--data-dir", default=None,
                   help="folder holding MNIST/raw/ (or FashionMNIST/raw/); searched before $EMBER_DATA and "
                        "the user cache")
    p.add_argument("--download", action=argparse.BooleanOptionalAction, default=True,
                   help="download the dataset when it is not found")
    p.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    p.add_argument("--seed", type=int, default=0, help="seed for the weights and the shuffling")
    p.add_argument("--out", default="runs/train", help="folder for weights, metrics and plots")
    p.add_argument("--print-every", type=int, default=0, help="also print a log line every N steps; 0 prints none")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=True,
                   help="a progress bar per epoch (tqdm: a widget in notebooks, text on terminals and in logs)")
    p.add_argument("--plots", action=argparse.BooleanOptionalAction, default=True,
                   help="draw curves.png and predictions.png (needs matplotlib)")
    p.add_argument("--tensorboard", metavar="DIR", default=None,
                   help="also log the curves as TensorBoard event files in DIR (needs tensorboardX: "
                        'pip install "ember[tensorboard]"); view them with: tensorboard --logdir DIR')
    p.set_defaults(func=run)


def _optimizer(args, params):
    import ember.optim as optim

    if args.optimizer == "sgd":
        return optim.SGD(params, lr=args.lr, momentum=args.momentum)
    cls = {"adam": optim.Adam, "adamw": optim.AdamW, "rmsprop": optim.RMSprop, "adagrad": optim.Adagrad,
           "adadelta": optim.Adadelta}[args.optimizer]
    return cls(params, lr=args.lr)


def _progress(iterable, total, desc, enabled):
    """A tqdm bar over ``iterable``, or None when bars are off or tqdm is missing. tqdm.auto picks the
    notebook widget inside Jupyter and a text bar elsewhere, terminal or log file alike."""
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(iterable, total=total, desc=desc, unit="batch", dynamic_ncols=True)


def _summary_writer(log_dir):
    """A SummaryWriter on ``log_dir``, or None without --tensorboard. Asked for before training starts, so
    a missing writer library stops the run at once instead of after the last epoch."""
    if log_dir is None:
        return None
    try:
        from ember.utils.tensorboard import SummaryWriter
    except ImportError:
        raise SystemExit("ember train: --tensorboard needs tensorboardX: pip install 'ember[tensorboard]'") from None
    return SummaryWriter(log_dir)


def run(args):
    """Train, evaluate and write the outputs as ``args`` say; returns the exit status."""
    import ember
    import ember.nn as nn
    from ember.utils.data import DataLoader
    from ember.vision import transforms

    from . import models

    if args.batch_size <= 0 or args.epochs < 0:
        raise SystemExit("ember train: --batch-size must be positive and --epochs non-negative")
    writer = _summary_writer(args.tensorboard)
    ember.manual_seed(args.seed)
    name = args.dataset or "mnist"
    train_set, test_set, source = data_sources.load(name, args.data_dir, args.download, transforms.ToTensor(),
                                                    explicit=args.dataset is not None)
    if args.lr is None:  # 1,438 digits give too few steps for the tutorial's rate to get anywhere
        args.lr = 0.05 if source.startswith(data_sources.DIGITS_NAME) else 1e-3
    image, _ = train_set[0]
    image_shape = tuple(image.shape)
    classes = 10
    model = models.build(args.model, image_shape, classes)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = _optimizer(args, model.parameters())
    generator = ember.Generator().manual_seed(args.seed)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers,
                              generator=generator)
    test_loader = DataLoader(test_set, batch_size=1000, shuffle=False, num_workers=args.workers)
    print(f"training {args.model} on {source}: {len(train_set)} train / {len(test_set)} test images "
          f"{'x'.join(map(str, image_shape))}, {args.optimizer} lr={args.lr}, batch {args.batch_size}, "
          f"{args.epochs} epochs")

    losses, accuracies = [], []
    start = time.perf_counter()
    model.train()
    for epoch in range(args.epochs):
        bar = _progress(train_loader, len(train_loader), f"epoch {epoch + 1}/{args.epochs}", args.progress)
        for i, (images, labels) in enumerate(train_loader if bar is None else bar):
            optimizer.zero_grad()
            outputs = model(images)
            loss = loss_fn(outputs, labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            accuracies.append((outputs.argmax(1) == labels).sum().item() / len(labels) * 100)
            if writer is not None:
                writer.add_scalar("train/loss", losses[-1], len(losses))
                writer.add_scalar("train/accuracy", accuracies[-1], len(losses))
            if bar is not None and i % 50 == 0:
                bar.set_postfix(loss=f"{sum(losses[-50:]) / len(losses[-50:]):.4f}",
                                acc=f"{sum(accuracies[-50:]) / len(accuracies[-50:]):.1f}%", refresh=False)
            if args.print_every and (i + 1) % args.print_every == 0:
                print(f"Epoch: [{epoch + 1}/{args.epochs}], Step: [{i + 1}/{len(train_loader)}], "
                      f"Loss: {losses[-1]:.4f}, Accuracy: {accuracies[-1]:.4f}")
        n = len(train_loader)
        print(f"epoch {epoch + 1}: loss {sum(losses[-n:]) / n:.4f}, train accuracy "
              f"{sum(accuracies[-n:]) / n:.2f}%, {time.perf_counter() - start:.1f}s")
    train_time = time.perf_counter() - start

    model.eval()
    correct, shown = 0, None
    with ember.no_grad():
        for images, labels in test_loader:
            predicted = model(images).argmax(1)
            correct += (predicted == labels).sum().item()
            if shown is None:
                shown = (images[:32], labels[:32], predicted[:32])
    accuracy = 100.0 * correct / len(test_set)
    print(f"Test set: Accuracy: {accuracy:.2f}%")
    if writer is not None:
        writer.add_scalar("test/accuracy", accuracy, len(losses))
        writer.add_hparams({"model": args.model, "optimizer": args.optimizer, "lr": args.lr,
                            "batch_size": args.batch_size, "epochs": args.epochs},
                           {"hparam/test_accuracy": accuracy})
        writer.close()
    _write_outputs(args, model, losses, accuracies, len(train_loader), shown, accuracy, train_time, source)
    return 0


def _write_outputs(args, model, losses, accuracies, steps_per_epoch, shown, accuracy, train_time, source):
    import ember

    from . import plots

    os.makedirs(args.out, exist_ok=True)
    ember.save(model.state_dict(), os.path.join(args.out, "model.pt"))
    metrics = {"dataset": source, "model": args.model, "epochs": args.epochs, "batch_size": args.batch_size,
               "lr": args.lr, "optimizer": args.optimizer, "test_accuracy": accuracy,
               "train_seconds": round(train_time, 2), "final_loss": losses[-1] if losses else None}
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    written = ["model.pt", "metrics.json"]
    if args.plots and plots.available():
        title = f"{args.model} on {source}"
        if losses:
            plots.curves(os.path.join(args.out, "curves.png"), losses, accuracies, steps_per_epoch, title)
            written.append("curves.png")
        if shown is not None:
            images, labels, predicted = shown
            pics = images.numpy().reshape(len(images), *images.shape[-2:])
            plots.predictions(os.path.join(args.out, "predictions.png"), pics, labels.tolist(), predicted.tolist(),
                              f"{title}: test accuracy {accuracy:.2f}%")
            written.append("predictions.png")
    missing = " (no plots: matplotlib is not installed)" if args.plots and not plots.available() else ""
    print(f"wrote {', '.join(os.path.join(args.out, name) for name in written)}{missing}")
