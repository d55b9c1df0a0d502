"""Training-step speed of the chapter's ResNets in each precision against fastai's and torchvision's, the data loader's speed, and the share of the CPU's peak they reach.

Usage (from the project root): python tools/benchmark.py [--bs 32] [--repeats 10] [--no-compile] [--depths 18 50]

One training step is forward and loss under the precision's autocast, backward, and an SGD step with momentum, on one
fixed batch of 128 px images, with the weights in fp32 (as `DeviceMixedPrecision` trains). Variants: fp32; fp32
channels-last; bf16 autocast; bf16 autocast with channels-last (what `get_learner` picks on a CPU with native bf16);
and `torch.compile` on top of that. Each model gets `--warmup` untimed steps, then all variants of one depth are timed
in `--repeats` interleaved rounds (one step of each per round, so that a slow spell of the machine hits them all
alike) and each gets the median of its rounds (`median_times`).

FLOP/s are counted as a training step's usual 3 x 2 x multiply-accumulates per image (forward, and backward twice the
forward; `count_macs`) times images per second, against the peak of this CPU measured here: a large matrix multiply
in fp32 and in bf16. Then the images per second that `get_data`'s training loader (with fastai's default workers)
delivers on its own, to tell whether training waits for data or for compute. Prints markdown tables with the
machine, versions and date. Run it on a quiet machine: anything else running skews the times.
"""
import argparse, datetime, os, platform, time, warnings
import torch, torchvision, fastai
from fastai.vision.all import total_params
from fastai.vision.models.xresnet import xresnet18, xresnet50
from resnet_nb.learner import book_data, median_times, native_bf16, best_precision, train_step
from resnet_nb.compute import count_macs
from resnet_nb.models import archs


def peak_flops(n=2048, repeats=10):
    "FLOP/s of an `n`x`n` matrix multiply in fp32 and in bf16 on this CPU, medians of `repeats`"
    a = torch.randn(n, n)
    mats = {'fp32': (a, a.clone()), 'bf16': (a.bfloat16(), a.clone().bfloat16())}
    times = median_times({k: (lambda m=m: torch.mm(*m)) for k,m in mats.items()}, repeats, 2)
    return {k: 2*n**3/t for k,t in times.items()}


def loader_speed(n_batches, bs):
    "Images per second from `get_data`'s training loader alone (item and batch transforms), at 128 px, after one warm-up batch"
    dls = book_data(bs=bs)
    it = iter(dls.train)
    next(it)
    start,n = time.perf_counter(),0
    for _ in range(n_batches): n += len(next(it)[0])
    return n/(time.perf_counter() - start), dls.train.fake_l.num_workers  # fastai keeps the real count on its `_FakeLoader`


VARIANTS = {'fp32': {}, 'fp32, channels-last': dict(channels_last=True), 'bf16': dict(bf16=True),
            'bf16, channels-last': dict(bf16=True, channels_last=True),
            'bf16, channels-last, torch.compile': dict(bf16=True, channels_last=True, compile=True)}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--bs', type=int, default=32)
    p.add_argument('--repeats', type=int, default=10)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--depths', type=int, nargs='+', default=[18, 50])
    p.add_argument('--no-compile', action='store_true', help="skip the torch.compile variants")
    p.add_argument('--loader-batches', type=int, default=20)
    a = p.parse_args()
    warnings.filterwarnings('ignore')
    torch.manual_seed(0)
    x,y = torch.randn(a.bs, 3, 128, 128),torch.randint(0, 10, (a.bs,))
    print(f"{datetime.date.today()}: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} threads; "
          f"native bf16: {native_bf16()}, so get_learner picks {best_precision()}; torch {torch.__version__}, "
          f"torchvision {torchvision.__version__}, fastai {fastai.__version__}\n")
    peak = peak_flops()
    print(f"Peak of a 2048x2048 matrix multiply: fp32 {peak['fp32']/1e9:,.0f} GFLOP/s, bf16 {peak['bf16']/1e9:,.0f} GFLOP/s\n")
    print(f"Training step, batch of {a.bs} at 128 px; median of {a.repeats} interleaved rounds after {a.warmup} warm-up steps\n")
    print("| model | precision | ms per step | images/s | vs ours fp32 | vs xresnet, same precision | GFLOP/s | % of peak |\n|---|---|---|---|---|---|---|---|")
    nets = {18: (archs['resnet18'], xresnet18, torchvision.models.resnet18), 50: (archs['resnet50'], xresnet50, torchvision.models.resnet50)}
    for depth in a.depths:
        ours,xres,tv = nets[depth]
        makers = {f'resnet{depth} (resnet_nb)': lambda: ours(10), f'xresnet{depth} (fastai)': lambda: xres(n_out=10),
                  f'resnet{depth} (torchvision)': lambda: tv(num_classes=10)}
        steps,macs = {},{}
        for name,make in makers.items():
            macs[name] = count_macs(make(), 128).macs.sum()
            for prec,kw in VARIANTS.items():
                if kw.get('compile') and a.no_compile: continue
                torch.manual_seed(0)
                steps[name, prec] = train_step(make(), x.clone(), y, **kw)
        times = median_times(steps, a.repeats, a.warmup)
        base = times[f'resnet{depth} (resnet_nb)', 'fp32']
        for (name,prec),t in times.items():
            xr = times.get((f'xresnet{depth} (fastai)', prec))
            flops = 6*macs[name]*a.bs/t
            print(f"| {name} | {prec} | {t*1000:,.0f} | {a.bs/t:.1f} | {base/t:.2f}x | {xr/t:.2f}x | {flops/1e9:,.0f} | "
                  f"{100*flops/peak['bf16' if 'bf16' in prec else 'fp32']:.0f}% |", flush=True)
        print()
    ips,workers = loader_speed(a.loader_batches, bs=128)
    print(f"Data: `book_data()` (the chapter's `get_data(URLs.IMAGENETTE_160, 160, 128)`) training loader alone, "
          f"{workers} worker(s), batches of 128: {ips:,.0f} images/s")


if __name__ == '__main__': main()
