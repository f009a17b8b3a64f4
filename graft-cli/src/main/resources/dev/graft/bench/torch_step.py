"""Fine-tune steps of MiniLM (BERT) in plain PyTorch eager mode, for `graft bench`.

Reads a job file written by Graft: the pretrained weights (Graft's import of the bundled ONNX file, written as
safetensors with Hugging Face names), the exact padded token batches Graft's learner trained on (or, with --serve, one
repetition's batches at a time on stdin, sent between Graft's own epochs), warm-up and repetitions, and the
configurations to time (intra-op threads, the loaded BLAS's own threads, oneDNN on or off, autocast bfloat16). Each
repetition runs every configuration on the same batches, in alternating order. Prints one line `GRAFT-TORCH {json}`
with the seconds of each repetition per configuration and, when asked, the per-operator profile (torch.profiler, self
CPU time) of the fastest float32 configuration and of the fastest autocast one.
"""
import ctypes
import json
import os
import statistics
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_env import sgemm_provider


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        start, end = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[start:end]), dtype=torch.float32).reshape(info["shape"]).clone()
    return out


class SelfAttention(nn.Module):
    def __init__(self, h, heads, p):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)
        self.dropout = nn.Dropout(p)

    def forward(self, x, additive):
        b, t, h = x.shape
        d = h // self.heads

        def split(y):
            return y.view(b, t, self.heads, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / (d ** 0.5) + additive
        probs = self.dropout(scores.softmax(-1))
        return (probs @ v).transpose(1, 2).reshape(b, t, h)


class DenseNorm(nn.Module):
    def __init__(self, i, h, eps, p):
        super().__init__()
        self.dense = nn.Linear(i, h)
        self.LayerNorm = nn.LayerNorm(h, eps=eps)
        self.dropout = nn.Dropout(p)

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Attention(nn.Module):
    def __init__(self, h, heads, eps, p):
        super().__init__()
        self.self = SelfAttention(h, heads, p)
        self.output = DenseNorm(h, h, eps, p)

    def forward(self, x, additive):
        return self.output(self.self(x, additive), x)


class Intermediate(nn.Module):
    def __init__(self, h, i):
        super().__init__()
        self.dense = nn.Linear(h, i)

    def forward(self, x):
        return F.gelu(self.dense(x))


class Layer(nn.Module):
    def __init__(self, h, i, heads, eps, p):
        super().__init__()
        self.attention = Attention(h, heads, eps, p)
        self.intermediate = Intermediate(h, i)
        self.output = DenseNorm(i, h, eps, p)

    def forward(self, x, additive):
        a = self.attention(x, additive)
        return self.output(self.intermediate(a), a)


class Embeddings(nn.Module):
    def __init__(self, vocab, positions, types, h, eps, p):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, h)
        self.position_embeddings = nn.Embedding(positions, h)
        self.token_type_embeddings = nn.Embedding(types, h)
        self.LayerNorm = nn.LayerNorm(h, eps=eps)
        self.dropout = nn.Dropout(p)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.word_embeddings(ids) + self.position_embeddings(pos) + self.token_type_embeddings(torch.zeros_like(ids))
        return self.dropout(self.LayerNorm(x))


class Encoder(nn.Module):
    def __init__(self, layers, h, i, heads, eps, p):
        super().__init__()
        self.layer = nn.ModuleList([Layer(h, i, heads, eps, p) for _ in range(layers)])


class Bert(nn.Module):
    def __init__(self, w, heads, eps, p):
        super().__init__()
        vocab, h = w["embeddings.word_embeddings.weight"].shape
        positions = w["embeddings.position_embeddings.weight"].shape[0]
        types = w["embeddings.token_type_embeddings.weight"].shape[0]
        i = w["encoder.layer.0.intermediate.dense.weight"].shape[0]
        layers = len({k.split(".")[2] for k in w if k.startswith("encoder.layer.")})
        self.embeddings = Embeddings(vocab, positions, types, h, eps, p)
        self.encoder = Encoder(layers, h, i, heads, eps, p)

    def forward(self, ids, mask):
        additive = ((1.0 - mask.float()) * torch.finfo(torch.float32).min)[:, None, None, :]
        x = self.embeddings(ids)
        for layer in self.encoder.layer:
            x = layer(x, additive)
        return x


class Classifier(nn.Module):
    def __init__(self, bert, h, classes, p):
        super().__init__()
        self.bert = bert
        self.drop = nn.Dropout(p)
        self.head = nn.Linear(h, classes)

    def forward(self, ids, mask):
        hidden = self.bert(ids, mask)
        m = mask.float().unsqueeze(-1)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.head(self.drop(pooled))


def blas_thread_setter():
    """A function setting the thread count of the BLAS libtorch's sgemm_ comes from (OpenBLAS or BLIS), or None."""
    path = sgemm_provider()
    if path is None:
        return None
    lib = ctypes.CDLL(path)
    for symbol, argtype in (("openblas_set_num_threads", ctypes.c_int), ("bli_thread_set_num_threads", ctypes.c_long)):
        fn = getattr(lib, symbol, None)
        if fn is not None:
            fn.argtypes = [argtype]
            return fn
    return None


def apply(config, set_blas_threads):
    torch.set_num_threads(config["threads"])
    torch.backends.mkldnn.enabled = config.get("mkldnn", True)
    if set_blas_threads is not None and config.get("blas_threads"):
        set_blas_threads(config["blas_threads"])


def profile(model, opt, batches, config, set_blas_threads, rows):
    """Self CPU time per operator over `batches` steps, the `rows` largest, in milliseconds per step."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile
    apply(config, set_blas_threads)
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        for ids, mask, y in batches:
            step(model, opt, ids, mask, y, config.get("autocast"))
    averages = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    total = sum(e.self_cpu_time_total for e in averages)
    out = [{"op": e.key, "calls_per_step": e.count / len(batches),
            "self_ms_per_step": e.self_cpu_time_total / 1000.0 / len(batches)} for e in averages[:rows]]
    return {"total_self_ms_per_step": total / 1000.0 / len(batches), "ops": out}


def autocast_runs():
    """Whether this torch has CPU autocast (1.10 and later)."""
    return hasattr(torch, "autocast") and hasattr(torch, "bfloat16")


def step(model, opt, ids, mask, y, autocast=None):
    """One AdamW step; with autocast "bf16", the forward pass under torch.autocast (PyTorch's own mixed precision:
    products in bfloat16, reductions and the loss in float32, float32 weights and optimiser state)."""
    opt.zero_grad(set_to_none=True)
    if autocast == "bf16":
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(ids, mask)
        loss = F.cross_entropy(logits.float(), y)
    else:
        loss = F.cross_entropy(model(ids, mask), y)
    loss.backward()
    opt.step()


def tensors(batches):
    out = []
    for b in batches:
        shape = (b["size"], b["length"])
        out.append((torch.tensor(b["input_ids"], dtype=torch.long).view(shape),
                    torch.tensor(b["attention_mask"], dtype=torch.long).view(shape),
                    torch.tensor(b["labels"], dtype=torch.long)))
    return out


def main():
    job = json.load(open(sys.argv[1]))
    serve = "--serve" in sys.argv[2:]
    configs = job.get("configs") or [{"name": "default", "threads": job["threads"]}]
    # a configuration this torch cannot run is reported with no repetitions
    skipped = [c for c in configs if c.get("autocast") and not autocast_runs()]
    configs = [c for c in configs if c not in skipped]
    torch.manual_seed(0)
    weights = read_safetensors(job["weights"])
    bert = Bert(weights, job["heads"], job["layer_norm_eps"], job["dropout"])
    bert.load_state_dict(weights, strict=True)
    h = weights["embeddings.word_embeddings.weight"].shape[1]
    model = Classifier(bert, h, job["classes"], job["dropout"])
    model.train()
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-4)
    set_blas_threads = blas_thread_setter()
    seconds = {c["name"]: [] for c in configs}

    def run_rep(chunk, r, record):
        # Each configuration runs the same batches; the order alternates between repetitions (ABBA...) so that no
        # configuration always runs first or last.
        took = {}
        for c in (configs if r % 2 == 0 else list(reversed(configs))):
            apply(c, set_blas_threads)
            t0 = time.perf_counter()
            for ids, mask, y in chunk:
                step(model, opt, ids, mask, y, c.get("autocast"))
            took[c["name"]] = time.perf_counter() - t0
            if record:
                seconds[c["name"]].append(took[c["name"]])
        return took

    last = None
    if serve:
        # Driven by Graft one repetition at a time, between its own epochs: a JSON line per repetition on stdin
        # ({"rep", "record", "batches"}), one result line back; {"end": true} finishes.
        print("GRAFT-TORCH-READY", flush=True)
        for line in sys.stdin:
            msg = json.loads(line)
            if msg.get("end"):
                break
            last = tensors(msg["batches"])
            took = run_rep(last, msg["rep"], msg["record"])
            print("GRAFT-TORCH-REP " + json.dumps({"rep": msg["rep"], "seconds": took}), flush=True)
    else:
        batches = tensors(job["batches"])
        steps = job["steps_per_rep"]
        for r in range(job["warmup_reps"] + job["reps"]):
            last = batches[r * steps:(r + 1) * steps]
            run_rep(last, r, r >= job["warmup_reps"])
    result = {"torch_version": torch.__version__, "blas_thread_control": set_blas_threads is not None,
              "sgemm_provider": sgemm_provider(),
              "configs": {c["name"]: dict(c, rep_seconds=seconds.get(c["name"], [])) for c in configs + skipped}}
    if job.get("profile_rows", 0) > 0 and last and all(seconds.values()):
        # The operators of the fastest float32 configuration and of the fastest autocast one, over the last
        # repetition's batches once more.
        result["profile"] = {}
        for group in ([c for c in configs if not c.get("autocast")], [c for c in configs if c.get("autocast")]):
            if group:
                fastest = min(group, key=lambda c: statistics.median(seconds[c["name"]]))
                result["profile"][fastest["name"]] = profile(model, opt, last, fastest, set_blas_threads, job["profile_rows"])
    print("GRAFT-TORCH " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
