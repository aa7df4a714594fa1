#!/usr/bin/python3
"""Times the official OadTR model in PyTorch, next to which `oad bench --parts detector` prints ours.

Usage:
  oadtr_official_bench.py [--preset paper|tiny | --config FILE | --config-json JSON]
                          [--reference DIR] [--weights NPZ]
                          [--batches 1,8,32] [--threads 1] [--warmup 2] [--iterations 20]
                          [--max-seconds 15] [--profile BATCH]

Needs only the standard library and Debian's python3-torch (1.13; its dependency python3-numpy reads the .npz
and .npy files). Run it with /usr/bin/python3.

The network is built here from the published structure of the official code (wangxiang1230/OadTR, model
VisionTransformer_v3): its state_dict names and shapes (/work/shared/data/oadtr-reference/thumos-state-dict.tsv),
the module layout those names spell, and the forward pass described in docs (shared/docs/oadtr.md). It is written
for this benchmark, not copied; what matters for a fair timing is that it runs the same tensor operations in the
same layouts as the official code:
  - input: the official forward takes "rgb" and "flow" features and concatenates them (cat on the last axis);
  - encoder (ViT TransformerModel): pre-norm blocks, packed qkv Linear without bias, heads split by
    reshape/permute, q @ k^T * scale, softmax, @ v; FFN Linear -> GELU -> Linear;
  - decoder (Informer-style): post-norm layers whose attention projects q, k, v separately, runs einsum
    "blhe,bshe->bhls", a causal mask filled in place on the self-attention, softmax, einsum "bhls,bshd->blhd";
    the feed-forward is a pair of kernel-1 Conv1d over transposed tensors;
  - heads: Linear(d -> C) on every decoder output, Linear(2d -> C) on [task token output || decoder mean].
With --reference DIR (config.json, weights.npz, input.npy, expected_*.npy of the official code) the script first
loads the weights and asserts that both outputs equal the official outputs (max abs diff < 1e-4), which proves it
computes the same function; the timing then uses that configuration unless another is given.

Prints one JSON object on stdout. Times are wall-clock milliseconds of model.forward on random inputs, in eval
mode under torch.inference_mode(), after --warmup untimed calls; each batch size is timed up to --iterations times
and stops early once --max-seconds of timed calls passed (at least 3 calls); each call's process CPU time
(time.process_time, all threads) is taken too, and the least one reported (steady on a loaded machine).
"""
import argparse
import json
import math
import os
import sys
import time


def _threads_from_argv(argv):
    for i, arg in enumerate(argv):
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
        if arg == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
    return "1"


# the BLAS under PyTorch (Debian: whatever provides libblas.so.3, e.g. OpenBLAS) reads its thread count when it
# loads: set it, and OpenMP's, before torch is imported (torch.set_num_threads below sets OpenMP's again)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, _threads_from_argv(sys.argv[1:]))

import numpy as np  # noqa: E402  (python3-torch depends on python3-numpy)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

TOLERANCE = 1e-4

# the official argument names (CONFIG.json of the official code)
PRESETS = {
    "paper": {"enc_layers": 64, "dim_feature": 3072, "embedding_dim": 1024, "num_heads": 8, "num_layers": 3,
              "hidden_dim": 1024, "decoder_embedding_dim": 1024, "decoder_embedding_dim_out": 1024,
              "decoder_num_heads": 4, "decoder_layers": 5, "query_num": 8, "numclass": 22},
    "tiny": {"enc_layers": 6, "dim_feature": 48, "embedding_dim": 32, "num_heads": 4, "num_layers": 2,
             "hidden_dim": 40, "decoder_embedding_dim": 32, "decoder_embedding_dim_out": 24,
             "decoder_num_heads": 2, "decoder_layers": 2, "query_num": 3, "numclass": 5},
}


# ---------------------------------------------------------------------------------------------------------------
# The model. Module and attribute names follow the official state_dict, so load_state_dict(strict=True) checks
# every name and shape of an official checkpoint.
# ---------------------------------------------------------------------------------------------------------------

class LearnedPositions(nn.Module):
    """`<name>.pe.weight` [n, d] and the buffer `<name>.position_ids` [1, n]; adds the table to the tokens."""

    def __init__(self, n, d):
        super().__init__()
        self.pe = nn.Embedding(n, d)
        self.register_buffer("position_ids", torch.arange(n).expand((1, -1)))

    def forward(self, x):
        return x + self.pe(self.position_ids[:, : x.shape[1]])


class EncoderAttention(nn.Module):
    """`...fn.fn.qkv` (no bias) and `...fn.fn.proj`: multi-head self-attention over all tokens."""

    def __init__(self, d, heads, dropout):
        super().__init__()
        self.heads = heads
        self.scale = (d // heads) ** -0.5
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.attn_drop = nn.Dropout(dropout)
        self.proj = nn.Linear(d, d)
        self.proj_drop = nn.Dropout(dropout)

    def forward(self, x):
        b, n, d = x.shape
        packed = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = packed[0], packed[1], packed[2]  # [B, H, N, E]
        weights = self.attn_drop(((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1))
        out = (weights @ v).transpose(1, 2).reshape(b, n, d)
        return self.proj_drop(self.proj(out))


class EncoderFeedForward(nn.Module):
    """`...fn.fn.net.0` and `...fn.fn.net.3`: Linear -> GELU -> Dropout -> Linear -> Dropout."""

    def __init__(self, d, hidden, dropout):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, d),
                                 nn.Dropout(dropout))

    def forward(self, x):
        return self.net(x)


class PreNorm(nn.Module):
    """`.norm` then `.fn`, optionally followed by dropout (the attention half of a block)."""

    def __init__(self, d, fn, dropout=None):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.fn = fn
        self.dropout = nn.Dropout(dropout) if dropout is not None else None

    def forward(self, x):
        y = self.fn(self.norm(x))
        return self.dropout(y) if self.dropout is not None else y


class Residual(nn.Module):
    """x + fn(x); the official names put the wrapped module under `.fn`."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return x + self.fn(x)


class Encoder(nn.Module):
    """`encoder.net.<2i>` = attention half, `encoder.net.<2i+1>` = feed-forward half of block i."""

    def __init__(self, d, layers, heads, hidden, dropout):
        super().__init__()
        halves = []
        for _ in range(layers):
            halves.append(Residual(PreNorm(d, EncoderAttention(d, heads, dropout), dropout)))
            halves.append(Residual(PreNorm(d, EncoderFeedForward(d, hidden, dropout))))
        self.net = nn.Sequential(*halves)

    def forward(self, x):
        return self.net(x)


class DecoderAttention(nn.Module):
    """`query_projection`, `key_projection`, `value_projection`, `out_projection` (all with bias)."""

    def __init__(self, d, heads, causal, dropout):
        super().__init__()
        self.heads = heads
        self.causal = causal
        self.query_projection = nn.Linear(d, d)
        self.key_projection = nn.Linear(d, d)
        self.value_projection = nn.Linear(d, d)
        self.out_projection = nn.Linear(d, d)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values):
        b, l, _ = queries.shape
        s = keys.shape[1]
        h = self.heads
        q = self.query_projection(queries).view(b, l, h, -1)
        k = self.key_projection(keys).view(b, s, h, -1)
        v = self.value_projection(values).view(b, s, h, -1)
        scores = torch.einsum("blhe,bshe->bhls", q, k)
        if self.causal:
            future = torch.triu(torch.ones(b, 1, l, s, dtype=torch.bool, device=q.device), diagonal=1)
            scores.masked_fill_(future, -math.inf)
        weights = self.dropout(torch.softmax(scores / math.sqrt(q.shape[-1]), dim=-1))
        out = torch.einsum("bhls,bshd->blhd", weights, v).contiguous()
        return self.out_projection(out.view(b, l, -1))


class DecoderLayer(nn.Module):
    """Post-norm: self-attention -> norm1, cross-attention -> norm2, kernel-1 Conv1d FFN (GELU) -> norm3."""

    def __init__(self, d, heads, ffn, dropout):
        super().__init__()
        self.self_attention = DecoderAttention(d, heads, True, dropout)
        self.cross_attention = DecoderAttention(d, heads, False, dropout)
        self.conv1 = nn.Conv1d(d, ffn, kernel_size=1)
        self.conv2 = nn.Conv1d(ffn, d, kernel_size=1)
        self.norm1 = nn.LayerNorm(d)
        self.norm2 = nn.LayerNorm(d)
        self.norm3 = nn.LayerNorm(d)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, memory):
        x = self.norm1(x + self.dropout(self.self_attention(x, x, x)))
        x = self.norm2(x + self.dropout(self.cross_attention(x, memory, memory)))
        y = self.dropout(F.gelu(self.conv1(x.transpose(-1, 1))))
        y = self.dropout(self.conv2(y).transpose(-1, 1))
        return self.norm3(x + y)


class Decoder(nn.Module):
    """`decoder.layers.<i>` and the final `decoder.norm`."""

    def __init__(self, d, layers, heads, ffn, dropout):
        super().__init__()
        self.layers = nn.ModuleList([DecoderLayer(d, heads, ffn, dropout) for _ in range(layers)])
        self.norm = nn.LayerNorm(d)

    def forward(self, x, memory):
        for layer in self.layers:
            x = layer(x, memory)
        return self.norm(x)


class OadTR(nn.Module):
    """VisionTransformer_v3: windows [B, T, D] (given as rgb [B, T, Drgb] and flow [B, T, D - Drgb]) ->
    current-step logits [B, C] and future-step logits [B, F, C]."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg["embedding_dim"]
        if cfg.get("decoder_embedding_dim", d) != d:
            raise ValueError("decoder_embedding_dim must equal embedding_dim (the cross-attention needs it)")
        tokens = cfg["enc_layers"] + 1  # window + task token
        queries = cfg["query_num"]
        dropout = cfg.get("dropout_rate", 0.1)
        attention_dropout = cfg.get("decoder_attn_dropout_rate", dropout)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.decoder_cls_token = nn.Parameter(torch.zeros(1, queries, d))
        self.linear_encoding = nn.Linear(cfg["dim_feature"], d)
        self.position_encoding = LearnedPositions(tokens, d)
        self.pe_dropout = nn.Dropout(dropout)
        self.encoder = Encoder(d, cfg["num_layers"], cfg["num_heads"], cfg["hidden_dim"], dropout)
        self.pre_head_ln = nn.LayerNorm(d)
        self.mlp_head = nn.Linear(2 * d, cfg["numclass"])
        self.decoder = Decoder(d, cfg["decoder_layers"], cfg["decoder_num_heads"], cfg["decoder_embedding_dim_out"],
                               attention_dropout)
        # in the official model and its checkpoints, but its forward pass never reads it
        self.decoder_position_encoding = LearnedPositions(queries, d)
        self.classifier = nn.Linear(d, cfg["numclass"])
        self.after_dropout = nn.Dropout(dropout)

    def forward(self, rgb, flow):
        x = self.linear_encoding(torch.cat((rgb, flow), 2))
        x = torch.cat((x, self.cls_token.expand(x.shape[0], -1, -1)), dim=1)  # task token LAST
        x = self.pe_dropout(self.position_encoding(x))
        memory = self.pre_head_ln(self.encoder(x))
        dec = self.decoder(self.decoder_cls_token.expand(x.shape[0], -1, -1), memory)
        dec = self.after_dropout(dec)
        future = self.classifier(dec)
        current = self.mlp_head(torch.cat((memory[:, -1], dec.mean(dim=1)), dim=1))
        return current, future


def rgb_columns(cfg):
    """Where the official input splits: 2048 of 3072 (TSN RGB || flow), 32 of 48 in the tiny reference."""
    return cfg.get("rgb_dim", cfg["dim_feature"] * 2 // 3)


def split(windows, cfg):
    r = rgb_columns(cfg)
    return windows[:, :, :r].contiguous(), windows[:, :, r:].contiguous()


# ---------------------------------------------------------------------------------------------------------------

def check_reference(model, cfg, directory):
    """Loads the reference weights, runs the reference input, compares both outputs; raises on a mismatch."""
    load_npz(model, os.path.join(directory, "weights.npz"))
    windows = torch.from_numpy(np.load(os.path.join(directory, "input.npy"))).float()
    expected_current = torch.from_numpy(np.load(os.path.join(directory, "expected_current_logits.npy"))).float()
    expected_future = torch.from_numpy(np.load(os.path.join(directory, "expected_future_logits.npy"))).float()
    with torch.inference_mode():
        current, future = model(*split(windows, cfg))
    if current.shape != expected_current.shape or future.shape != expected_future.shape:
        raise AssertionError("output shapes %s %s differ from the reference %s %s" % (
            tuple(current.shape), tuple(future.shape), tuple(expected_current.shape), tuple(expected_future.shape)))
    diff_current = (current - expected_current).abs().max().item()
    diff_future = (future - expected_future).abs().max().item()
    result = {"reference": os.path.abspath(directory), "batch": int(windows.shape[0]),
              "maxAbsDiffCurrent": diff_current, "maxAbsDiffFuture": diff_future, "tolerance": TOLERANCE,
              "passed": bool(diff_current < TOLERANCE and diff_future < TOLERANCE)}
    if not result["passed"]:
        raise AssertionError("outputs differ from the official reference in %s: max abs diff current %.3g, "
                             "future %.3g (tolerance %g)" % (directory, diff_current, diff_future, TOLERANCE))
    return result


def load_npz(model, path):
    with np.load(path) as arrays:
        state = {name: torch.from_numpy(arrays[name]) for name in arrays.files}
    model.load_state_dict(state, strict=True)


def time_batches(model, cfg, batches, warmup, iterations, max_seconds):
    rows = []
    generator = torch.Generator().manual_seed(7)
    for batch in batches:
        windows = torch.rand(batch, cfg["enc_layers"], cfg["dim_feature"], generator=generator) * 2 - 1
        rgb, flow = split(windows, cfg)
        with torch.inference_mode():
            for _ in range(warmup):
                model(rgb, flow)
            calls = []
            cpu = []
            spent = 0.0
            while len(calls) < iterations and (len(calls) < min(3, iterations) or spent < max_seconds):
                cpu_start = time.process_time()
                start = time.perf_counter()
                model(rgb, flow)
                took = time.perf_counter() - start
                cpu.append((time.process_time() - cpu_start) * 1000.0)
                spent += took
                calls.append(took * 1000.0)
        rows.append(row(batch, calls, cpu))
    return rows


def nearest_rank(sorted_values, q):
    index = math.ceil(q * len(sorted_values)) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, index))]


def row(batch, calls, cpu):
    s = sorted(calls)
    p50 = nearest_rank(s, 0.5)
    least_cpu = min(cpu)
    return {"cpuMsBest": least_cpu, "bestCpuMsPerPrediction": least_cpu / batch,"batch": batch, "iterations": len(s), "callMsP50": p50, "callMsP90": nearest_rank(s, 0.9),
            "callMsBest": s[0], "msPerPrediction": p50 / batch, "p90MsPerPrediction": nearest_rank(s, 0.9) / batch,
            "bestMsPerPrediction": s[0] / batch}


def blas_library():
    """The BLAS shared object this process loaded (Debian's torch calls whatever provides libblas.so.3)."""
    torch.rand(8, 8) @ torch.rand(8, 8)
    found = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                name = os.path.basename(path).lower()
                if ("blas" in name or "mkl" in name) and path not in found:
                    found.append(path)
    except OSError:
        pass
    return [os.path.realpath(p) for p in found]


def matmul_rate(size=1024, warmup=2, iterations=10):
    """GFLOP/s of the best of `iterations` size x size fp32 products: the reference `oad bench` measures too."""
    a = torch.rand(size, size) * 2 - 1
    b = torch.rand(size, size) * 2 - 1
    times = []
    with torch.inference_mode():
        for i in range(warmup + iterations):
            start = time.perf_counter()
            a @ b
            if i >= warmup:
                times.append(time.perf_counter() - start)
    best = min(times)
    return {"size": size, "iterations": iterations, "bestMs": best * 1000.0, "gflopsPerSecond": 2.0 * size ** 3 / best / 1e9}


def profile(model, cfg, batch, top):
    """Per-operator self CPU time of a few forward calls (torch.autograd.profiler), printed on stderr."""
    windows = torch.rand(batch, cfg["enc_layers"], cfg["dim_feature"]) * 2 - 1
    rgb, flow = split(windows, cfg)
    with torch.inference_mode():
        for _ in range(2):
            model(rgb, flow)
        with torch.autograd.profiler.profile() as prof:
            for _ in range(5):
                model(rgb, flow)
    print("profile: batch %d, 5 calls" % batch, file=sys.stderr)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=top), file=sys.stderr)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    which = p.add_mutually_exclusive_group()
    which.add_argument("--preset", choices=sorted(PRESETS), help="a known configuration")
    which.add_argument("--config", help="official CONFIG.json")
    which.add_argument("--config-json", help="the official configuration as a JSON object")
    p.add_argument("--reference", help="folder of official reference outputs to check against first")
    p.add_argument("--weights", help="official state_dict as .npz to load (else seeded random weights)")
    p.add_argument("--batches", default="1,8,32")
    p.add_argument("--threads", type=int, default=1, help="intra-op threads (torch.set_num_threads)")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--max-seconds", type=float, default=15.0)
    p.add_argument("--matmul", type=int, default=1024, help="side of the reference matmul (0: skip)")
    p.add_argument("--profile", type=int, metavar="BATCH", help="also print a per-operator profile on stderr")
    a = p.parse_args(argv)
    a.batches = [int(b) for b in a.batches.split(",") if b.strip()]
    if not a.batches or min(a.batches) < 1 or a.threads < 1 or a.iterations < 1 or a.warmup < 0:
        p.error("need batches >= 1, threads >= 1, iterations >= 1, warmup >= 0")
    return a


def main(argv):
    a = parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    if a.preset:
        cfg = dict(PRESETS[a.preset])
    elif a.config:
        with open(a.config) as f:
            cfg = json.load(f)
    elif a.config_json:
        cfg = json.loads(a.config_json)
    elif a.reference:
        with open(os.path.join(a.reference, "config.json")) as f:
            cfg = json.load(f)
    else:
        cfg = dict(PRESETS["paper"])

    out = {"tool": "oadtr_official_bench.py", "torch": torch.__version__, "threads": torch.get_num_threads(),
           "interopThreads": torch.get_num_interop_threads(), "mkldnn": torch.backends.mkldnn.is_available(),
           "blas": blas_library(), "config": cfg}
    if a.reference:
        with open(os.path.join(a.reference, "config.json")) as f:
            ref_cfg = json.load(f)
        ref_model = OadTR(ref_cfg).eval()
        out["check"] = check_reference(ref_model, ref_cfg, a.reference)
        if ref_cfg == cfg:
            model = ref_model
        else:
            model = OadTR(cfg).eval()
    else:
        out["check"] = None
        model = OadTR(cfg).eval()
    if a.weights:
        load_npz(model, a.weights)
    out["parameters"] = sum(p.numel() for p in model.parameters())
    out["matmul"] = matmul_rate(a.matmul) if a.matmul > 0 else None
    out["rows"] = time_batches(model, cfg, a.batches, a.warmup, a.iterations, a.max_seconds)
    if a.matmul > 0:
        later = matmul_rate(a.matmul)  # before and after: the better one, as the Java side keeps the best
        if later["gflopsPerSecond"] > out["matmul"]["gflopsPerSecond"]:
            out["matmul"] = later
    if a.profile:
        profile(model, cfg, a.profile, 25)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except AssertionError as e:
        print("oadtr_official_bench: CHECK FAILED: %s" % e, file=sys.stderr)
        sys.exit(3)
