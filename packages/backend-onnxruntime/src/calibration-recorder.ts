import { type Backend, type CompiledModel, compile, getBackend, type HostTensor, readHostInput } from '@mobilenet-kit/core';

export interface CalibrationRecorder {
  /** The backend to register (core's registerBackend) and compile the fp32 head on. */
  readonly backend: Backend;
  /** Every run's inputs so far, keyed by input name (copies, as the network received them). */
  readonly batches: Readonly<Record<string, HostTensor>>[];
}

/**
 * A backend that runs models on `inner` (a registered backend's name) and
 * keeps a copy of every input it is given: compile a head (detector,
 * embedder, classifier) on it, run the head on calibration images, and
 * `batches` holds the network inputs exactly as the head preprocessed them,
 * ready for `backendOptions: { int8: { calibration: recorder.batches } }`.
 */
export function calibrationRecorder(inner: string, name = `${inner}-calibration-recorder`): CalibrationRecorder {
  const batches: Record<string, HostTensor>[] = [];
  const backend: Backend = {
    name,
    supports: (op) => getBackend(inner).supports(op),
    async compile(graph, weights, options = {}): Promise<CompiledModel> {
      const model = await compile(graph, weights, { ...options, backend: inner });
      return {
        inputs: model.inputs,
        outputs: model.outputs,
        backend: { ...model.backend, name, wraps: model.backend.name },
        async run(inputs) {
          const copy: Record<string, HostTensor> = {};
          for (const spec of model.inputs) {
            const host = readHostInput(graph.name, spec, inputs[spec.name]!);
            copy[spec.name] = { shape: [...host.shape], data: host.data.slice() };
          }
          batches.push(copy);
          return model.run(inputs);
        },
        dispose: () => model.dispose(),
      };
    },
  };
  return { backend, batches };
}
