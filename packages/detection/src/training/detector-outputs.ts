import { analyzeGraph, type Graph } from '@mobilenet-kit/core';
import { DetectionOptionError } from '../errors';
import { SSD_OUTPUTS } from '../ssd-head';
import type { ClassificationLossKind } from './ssd-loss';

/** Which graph outputs hold the box encodings `[N, A, 4]` and the class scores `[N, A, 1 + numClasses]`. */
export interface DetectorOutputNames {
  readonly boxEncodings: string;
  readonly classLogits: string;
}

export interface TrainingOutputs {
  /** Node whose output is the box encodings. */
  readonly boxNode: string;
  /** Node whose output is the class logits (before any sigmoid/softmax the graph ends with). */
  readonly logitsNode: string;
  /** The activation the graph applies to the logits, if any: the loss that matches it. */
  readonly scoreActivation: ClassificationLossKind | null;
  readonly numAnchors: number;
  readonly numColumns: number;
}

const WHERE = 'fineTuneDetector';

function pickByName(graph: Graph, preferred: string, pattern: RegExp): string | undefined {
  if (graph.outputs.some((o) => o.name === preferred)) return preferred;
  const hits = graph.outputs.filter((o) => pattern.test(o.name));
  return hits.length === 1 ? hits[0]!.name : undefined;
}

/**
 * Finds the detector's two outputs (by the names given, else ssdHead's
 * `boxEncodings` and `classLogits`, else the one output named like /box|loc/
 * and the one named like /class|score|conf/) and, when
 * the class output is a sigmoid or softmax activation node, steps back to its
 * input: the loss is computed on logits.
 */
export function findTrainingOutputs(graph: Graph, names?: DetectorOutputNames): TrainingOutputs {
  const boxName = names?.boxEncodings ?? pickByName(graph, SSD_OUTPUTS.boxEncodings, /box|loc/i);
  const className = names?.classLogits ?? pickByName(graph, SSD_OUTPUTS.classLogits, /class|score|conf/i);
  const listed = graph.outputs.map((o) => o.name).join(', ');
  if (boxName === undefined || className === undefined) {
    throw new DetectionOptionError(WHERE, 'outputs', names, `name the box and class outputs: { boxEncodings, classLogits } among the graph's outputs (${listed})`);
  }
  const boxOutput = graph.outputs.find((o) => o.name === boxName);
  const classOutput = graph.outputs.find((o) => o.name === className);
  if (!boxOutput) throw new DetectionOptionError(WHERE, 'outputs.boxEncodings', boxName, `one of the graph's outputs (${listed})`);
  if (!classOutput) throw new DetectionOptionError(WHERE, 'outputs.classLogits', className, `one of the graph's outputs (${listed})`);
  const nodes = new Map(graph.nodes.map((n) => [n.name, n]));
  let logitsNode = classOutput.node;
  let scoreActivation: ClassificationLossKind | null = null;
  const last = nodes.get(logitsNode);
  if (last?.op === 'activation' && (last.attrs.fn === 'sigmoid' || last.attrs.fn === 'softmax')) {
    scoreActivation = last.attrs.fn;
    logitsNode = last.inputs[0]!;
  } else if (last && 'activation' in last.attrs && (last.attrs.activation === 'sigmoid')) {
    throw new DetectionOptionError(WHERE, `class output node "${last.name}" (${last.op}) activation`, last.attrs.activation, 'a separate activation node (or none), so that training can use the logits before it');
  }
  const info = analyzeGraph(graph);
  const boxShape = info.shapes.get(boxOutput.node)!;
  const logitsShape = info.shapes.get(logitsNode)!;
  if (boxShape.length !== 3 || boxShape[2] !== 4) {
    throw new DetectionOptionError(WHERE, `shape of box output "${boxName}"`, boxShape, '[N, anchors, 4]');
  }
  if (logitsShape.length !== 3 || logitsShape[1] !== boxShape[1] || !(Number(logitsShape[2]) >= 2)) {
    throw new DetectionOptionError(WHERE, `shape of class output "${className}"`, logitsShape, `[N, ${boxShape[1]}, 1 + numClasses] (same anchors as the box output, background in column 0)`);
  }
  return { boxNode: boxOutput.node, logitsNode, scoreActivation, numAnchors: boxShape[1] as number, numColumns: logitsShape[2] as number };
}
