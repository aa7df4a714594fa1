#!/usr/bin/python3
"""Writes a small TorchScript image backbone for the tests of TorchScriptBackbone.

Usage: make-torchscript.py OUT.pt EXPECTED.txt

Needs Debian's python3-torch (1.13; its files load in DJL's libtorch 2.7.1). The network takes N x 3 x 48 x 64 float
images and returns N x 16 embeddings. EXPECTED.txt gets the output for a uniform image of 0.4 (one line, 16 numbers),
which the Java test reproduces through DJL.
"""
import sys

import torch


class TinyBackbone(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.pool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(8, 16)

    def forward(self, x):
        # N x 3 x H x W -> N x 16
        return self.fc(torch.flatten(self.pool(torch.relu(self.conv(x))), 1))


def main():
    out, expected = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    model = TinyBackbone().eval()
    traced = torch.jit.trace(model, torch.zeros(1, 3, 48, 64))
    traced.save(out)
    with torch.no_grad():
        y = traced(torch.full((1, 3, 48, 64), 0.4))
    with open(expected, "w") as f:
        f.write(" ".join(repr(float(v)) for v in y[0]) + "\n")


if __name__ == "__main__":
    main()
