"""Training-step time of the chapter's ResNets against fastai's and torchvision's, and the data loader's speed.

Usage (from the project root): python tools/benchmark.py [--bs 32] [--repeats 5] [--no-compile]

One training step is forward, backward and an SGD step on one fixed batch of 128 px images; each model gets the same
batch and `--warmup` untimed steps, then the models of one depth are timed in `--repeats` interleaved rounds (one step
of each per round, so that a slow spell of the machine hits them all alike) and each gets the median of its rounds.
Variants of ours: channels-last memory format, and `torch.compile`. Then the images per second that `get_data`'s training loader delivers on its own, to
tell whether training on this machine waits for data or for compute. Prints markdown tables with the machine named.
Run it on a quiet machine: anything else running skews the times.
"""
import argparse, os, platform, time, warnings
import torch, torchvision
from torch import nn
from fastai.vision.all import total_params
from fastai.vision.models.xresnet import xresnet18, xresnet50
from resnet_nb.learner import book_data, median_times
from resnet_nb.resnet import resnet18
from resnet_nb.bottleneck import resnet50


def train_step(model, x, y, channels_last=False):
    "A function that runs one forward, backward and SGD step of `model` on `(x, y)`"
    if channels_last: model, x = model.to(memory_format=torch.channels_last), x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    loss_func = nn.CrossEntropyLoss()
    model.train()
    def step():
        opt.zero_grad()
        loss_func(model(x), y).backward()
        opt.step()
    return step


def loader_speed(n_batches, bs):
    "Images per second from `get_data`'s training loader alone, at 128 px, after one warm-up batch"
    dls = book_data(bs=bs)
    it = iter(dls.train)
    next(it)
    start,n = time.perf_counter(),0
    for _ in range(n_batches): n += len(next(it)[0])
    return n/(time.perf_counter() - start), dls.train.num_workers


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--bs', type=int, default=32)
    p.add_argument('--repeats', type=int, default=10)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--no-compile', action='store_true', help="skip the torch.compile variants")
    p.add_argument('--loader-batches', type=int, default=20)
    a = p.parse_args()
    warnings.filterwarnings('ignore')
    torch.manual_seed(0)
    x,y = torch.randn(a.bs, 3, 128, 128),torch.randint(0, 10, (a.bs,))
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} threads, torch {torch.__version__}"
    print(f"Training step, batch of {a.bs} at 128 px, CPU ({machine}); median of {a.repeats} interleaved rounds after {a.warmup} warm-up steps\n")
    print("| model | parameters | ms per step | images/s | vs xresnet |\n|---|---|---|---|---|")
    for depth,ours,xres,tv in [(18, resnet18, xresnet18, torchvision.models.resnet18), (50, resnet50, xresnet50, torchvision.models.resnet50)]:
        variants = [(f'resnet{depth} (resnet_nb)', lambda: ours(10), {}),
                    (f'xresnet{depth} (fastai)', lambda: xres(n_out=10), {}),
                    (f'resnet{depth} (torchvision)', lambda: tv(num_classes=10), {}),
                    (f'resnet{depth} (resnet_nb), channels_last', lambda: ours(10), dict(channels_last=True))]
        if not a.no_compile: variants.append((f'resnet{depth} (resnet_nb), torch.compile', lambda: torch.compile(ours(10)), {}))
        steps,params = {},{}
        for name,make,kw in variants:
            torch.manual_seed(0)
            m = make()
            params[name],steps[name] = total_params(m)[0],train_step(m, x.clone(), y, **kw)
        times = median_times(steps, a.repeats, a.warmup)
        base = times[f'xresnet{depth} (fastai)']
        for name,t in times.items():
            print(f"| {name} | {params[name]:,} | {t*1000:,.0f} | {a.bs/t:.1f} | {base/t:.2f}x |", flush=True)
    ips,workers = loader_speed(a.loader_batches, bs=128)
    print(f"\nData: `book_data()` (the chapter's `get_data(URLs.IMAGENETTE_160, 160, 128)`) training loader alone, {workers} worker(s): {ips:,.0f} images/s")


if __name__ == '__main__': main()
