#!/usr/bin/env python3
"""Independent reference for evaluateDetections (numpy only; pycocotools is not available offline).

Written from the published algorithms, not from our TypeScript:
- VOC: Everingham et al., devkit 2010+ / py-faster-rcnn's voc_eval.py (all-point AP, IoU >= 0.5, difficult ignored).
- COCO: pycocotools' COCOeval.evaluateImg + accumulate (areaRng 'all', maxDets 100, 10 IoU thresholds, 101 recall points).
Conventions kept identical on purpose (stated in evaluate-detections.ts): continuous boxes (no +1 pixel), stable
sorts for ties (voc_eval uses numpy's default quicksort; we use kind='stable'), crowd regions are 'difficult' for VOC.

  python3 map_reference.py fixture  > detection-map-fixture.json     # the seeded fixture
  python3 map_reference.py expected < detection-map-fixture.json > detection-map-expected.json
"""
import json
import sys

import numpy as np


def make_fixture(seed=20261207):
    rng = np.random.default_rng(seed)
    images = []
    for i in range(12):
        objects = []
        n = int(rng.integers(0, 7))
        for _ in range(n):
            w, h = rng.uniform(8, 60, 2)
            x, y = rng.uniform(0, 100, 2)
            objects.append({"box": [round(x, 2), round(y, 2), round(w, 2), round(h, 2)], "classIndex": int(rng.integers(1, 4)),
                            "crowd": bool(rng.random() < 0.08), "difficult": bool(rng.random() < 0.08)})
        if i == 3:  # a crowded image: many overlapping objects of one class
            for k in range(8):
                objects.append({"box": [30 + 3 * k, 30 + 2 * k, 25, 25], "classIndex": 2, "crowd": False, "difficult": False})
        images.append({"imageId": f"img{i}", "objects": objects})
    images.append({"imageId": "empty", "objects": []})
    preds = []
    for img in images:
        dets = []
        for o in img["objects"]:
            for _ in range(int(rng.integers(0, 3))):  # 0, 1 or 2 (duplicate) detections per object
                x, y, w, h = o["box"]
                jit = rng.normal(0, 0.12, 4) * [w, h, w, h]
                c = o["classIndex"] if rng.random() < 0.85 else int(rng.integers(1, 4))
                dets.append({"box": [round(x + jit[0], 2), round(y + jit[1], 2), round(max(1, w + jit[2]), 2), round(max(1, h + jit[3]), 2)],
                             "classIndex": c, "score": round(float(rng.choice([0.9, 0.75, 0.5, rng.random()])), 2)})  # many ties
        for _ in range(int(rng.integers(0, 4))):  # background false positives
            w, h = rng.uniform(5, 50, 2)
            x, y = rng.uniform(0, 100, 2)
            dets.append({"box": [round(x, 2), round(y, 2), round(w, 2), round(h, 2)], "classIndex": int(rng.integers(1, 4)), "score": round(float(rng.random()), 2)})
        preds.append({"imageId": img["imageId"], "detections": dets})
    # a class with predictions and no ground truth, a class with ground truth and no predictions
    preds[0]["detections"].append({"box": [1, 1, 10, 10], "classIndex": 5, "score": 0.99})
    images[1]["objects"].append({"box": [60, 60, 20, 20], "classIndex": 4, "crowd": False, "difficult": False})
    return {"groundTruth": images, "predictions": preds}


def iou_matrix(d, g, crowd):
    """d [D,4], g [G,4] as x,y,w,h; crowd [G] bool: IoU, or intersection over the detection's area for crowd."""
    if len(d) == 0 or len(g) == 0:
        return np.zeros((len(d), len(g)))
    dx1, dy1 = d[:, 0:1], d[:, 1:2]
    dx2, dy2 = dx1 + d[:, 2:3], dy1 + d[:, 3:4]
    gx1, gy1 = g[:, 0], g[:, 1]
    gx2, gy2 = gx1 + g[:, 2], gy1 + g[:, 3]
    iw = np.clip(np.minimum(dx2, gx2) - np.maximum(dx1, gx1), 0, None)
    ih = np.clip(np.minimum(dy2, gy2) - np.maximum(dy1, gy1), 0, None)
    inter = iw * ih
    da = (d[:, 2] * d[:, 3])[:, None]
    ga = (g[:, 2] * g[:, 3])[None, :]
    union = np.where(crowd[None, :], da, da + ga - inter)
    return np.where(inter > 0, inter / np.maximum(union, 1e-300), 0.0)


def voc_ap(rec, prec):
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = np.maximum(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def voc_eval(fixture, cls):
    recs = {}
    npos = 0
    for img in fixture["groundTruth"]:
        R = [o for o in img["objects"] if o["classIndex"] == cls]
        bbox = np.array([o["box"] for o in R], dtype=float).reshape(-1, 4)
        difficult = np.array([o["difficult"] or o["crowd"] for o in R], dtype=bool)
        npos += int((~difficult).sum())
        recs[img["imageId"]] = {"bbox": bbox, "difficult": difficult, "det": [False] * len(R)}
    ids, conf, BB = [], [], []
    for p in fixture["predictions"]:
        for d in p["detections"]:
            if d["classIndex"] == cls:
                ids.append(p["imageId"]); conf.append(d["score"]); BB.append(d["box"])
    if npos == 0:
        return None
    conf = np.array(conf, dtype=float)
    BB = np.array(BB, dtype=float).reshape(-1, 4)
    order = np.argsort(-conf, kind="stable")
    BB = BB[order]
    ids = [ids[k] for k in order]
    nd = len(ids)
    tp = np.zeros(nd); fp = np.zeros(nd)
    for k in range(nd):
        R = recs[ids[k]]
        ov = iou_matrix(BB[k:k + 1], R["bbox"], np.zeros(len(R["bbox"]), dtype=bool))[0] if len(R["bbox"]) else np.array([])
        ovmax = ov.max() if ov.size else -np.inf
        if ovmax >= 0.5:
            j = int(ov.argmax())
            if not R["difficult"][j]:
                if not R["det"][j]:
                    tp[k] = 1.0; R["det"][j] = True
                else:
                    fp[k] = 1.0
        else:
            fp[k] = 1.0
    fp = np.cumsum(fp); tp = np.cumsum(tp)
    rec = tp / float(npos)
    prec = tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    return voc_ap(rec, prec)


def coco_eval(fixture, cls, max_dets=100):
    iou_thrs = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
    rec_thrs = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)
    T = len(iou_thrs)
    per_image = []
    preds = {p["imageId"]: p["detections"] for p in fixture["predictions"]}
    for img in fixture["groundTruth"]:
        gt = [o for o in img["objects"] if o["classIndex"] == cls]
        dt = [d for d in preds.get(img["imageId"], []) if d["classIndex"] == cls]
        if not gt and not dt:
            continue
        g_ig = np.array([1 if o["crowd"] else 0 for o in gt], dtype=int)
        gtind = np.argsort(g_ig, kind="mergesort")
        gt = [gt[i] for i in gtind]; g_ig = g_ig[gtind]
        dtind = np.argsort([-d["score"] for d in dt], kind="mergesort")
        dt = [dt[i] for i in dtind[0:max_dets]]
        iscrowd = np.array([bool(o["crowd"]) for o in gt], dtype=bool)
        ious = iou_matrix(np.array([d["box"] for d in dt], dtype=float).reshape(-1, 4), np.array([o["box"] for o in gt], dtype=float).reshape(-1, 4), iscrowd)
        G, D = len(gt), len(dt)
        gtm = np.zeros((T, G)); dtm = np.zeros((T, D)); dt_ig = np.zeros((T, D))
        for tind, t in enumerate(iou_thrs):
            for dind in range(D):
                iou = min([t, 1 - 1e-10]); m = -1
                for gind in range(G):
                    if gtm[tind, gind] > 0 and not iscrowd[gind]:
                        continue
                    if m > -1 and g_ig[m] == 0 and g_ig[gind] == 1:
                        break
                    if ious[dind, gind] < iou:
                        continue
                    iou = ious[dind, gind]; m = gind
                if m == -1:
                    continue
                dt_ig[tind, dind] = g_ig[m]; dtm[tind, dind] = 1; gtm[tind, m] = 1
        per_image.append({"scores": [d["score"] for d in dt], "dtm": dtm, "dt_ig": dt_ig, "g_ig": g_ig})
    if not per_image:
        return None
    scores = np.concatenate([e["scores"] for e in per_image])
    inds = np.argsort(-scores, kind="mergesort")
    dtm = np.concatenate([e["dtm"] for e in per_image], axis=1)[:, inds]
    dt_ig = np.concatenate([e["dt_ig"] for e in per_image], axis=1)[:, inds]
    g_ig = np.concatenate([e["g_ig"] for e in per_image])
    npig = int(np.count_nonzero(g_ig == 0))
    if npig == 0:
        return None
    tps = np.logical_and(dtm, np.logical_not(dt_ig))
    fps = np.logical_and(np.logical_not(dtm), np.logical_not(dt_ig))
    tp_sum = np.cumsum(tps, axis=1).astype(dtype=float)
    fp_sum = np.cumsum(fps, axis=1).astype(dtype=float)
    aps = []
    for t, (tp, fp) in enumerate(zip(tp_sum, fp_sum)):
        # pycocotools keeps ignored detections as repeated points of the cumulative sums
        nd = len(tp)
        rc = tp / npig
        pr = tp / (fp + tp + np.spacing(1))
        q = np.zeros((len(rec_thrs),))
        pr = pr.tolist(); q = q.tolist()
        for i in range(nd - 1, 0, -1):
            if pr[i] > pr[i - 1]:
                pr[i - 1] = pr[i]
        ids = np.searchsorted(rc, rec_thrs, side="left")
        try:
            for ri, pi in enumerate(ids):
                q[ri] = pr[pi]
        except IndexError:
            pass
        aps.append(float(np.mean(q)))
    return aps


def expected(fixture):
    classes = sorted({o["classIndex"] for img in fixture["groundTruth"] for o in img["objects"]})
    per_class = {}
    for c in classes:
        aps = coco_eval(fixture, c)
        per_class[str(c)] = {"ap50": voc_eval(fixture, c), "ap": None if aps is None else float(np.mean(aps)),
                             "cocoAp50": None if aps is None else aps[0], "cocoAp75": None if aps is None else aps[5]}
    def m(key):
        vals = [v[key] for v in per_class.values() if v[key] is not None]
        return float(np.mean(vals)) if vals else 0.0
    return {"mAP50": m("ap50"), "mAP": m("ap"), "cocoMAP50": m("cocoAp50"), "cocoMAP75": m("cocoAp75"), "perClass": per_class,
            "command": "python3 tests/reference/map_reference.py expected < tests/reference/detection-map-fixture.json", "numpy": np.__version__}


if __name__ == "__main__":
    if sys.argv[1:] == ["fixture"]:
        json.dump(make_fixture(), sys.stdout, indent=1)
    elif sys.argv[1:] == ["expected"]:
        json.dump(expected(json.load(sys.stdin)), sys.stdout, indent=1)
    else:
        sys.exit(__doc__)
