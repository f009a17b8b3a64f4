#!/usr/bin/env python3
"""scikit-learn's LogisticRegressionCV on the frozen features `graft features` wrote.

usage: /usr/bin/python3 scripts/sklearn_frozen.py FEATURES.npz [--standardize]

Fits on train_x/train_y (the rows Graft's closed-form head is fitted on), scores test_x (else val_x).
Defaults as the issue states them: Cs=10, 5-fold stratified CV, lbfgs, max_iter=5000. A measurement aid, not
a Graft dependency (Debian: apt-get install python3-sklearn).
"""
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegressionCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    d = np.load(argv[0])
    split = "test" if "test_x" in d.files else "val"
    clf = LogisticRegressionCV(Cs=10, cv=5, max_iter=5000)
    model = make_pipeline(StandardScaler(), clf) if "--standardize" in argv else clf
    t0 = time.time()
    model.fit(d["train_x"], d["train_y"])
    acc = float((model.predict(d[split + "_x"]) == d[split + "_y"]).mean())
    print(f"{argv[0]}\t{split}\tacc={acc:.4f}\tC={clf.C_[0]:.4g}\tfit_s={time.time() - t0:.1f}\t"
          f"model={d['model'][0]}\tpooling={d['pooling'][0]}\tn_train={len(d['train_y'])}\tn_{split}={len(d[split + '_y'])}")


if __name__ == "__main__":
    main(sys.argv[1:])
