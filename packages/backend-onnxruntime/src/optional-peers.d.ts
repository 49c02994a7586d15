// onnxruntime-web is an optional peer that is not installed here; its API is typed structurally (ort-runtime.ts).
declare module 'onnxruntime-web';
