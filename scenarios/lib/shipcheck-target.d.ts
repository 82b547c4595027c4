// `import target from 'shipcheck:target'`: the run's resolved Target as JSON, filled in by the
// bundler (engine/bundle.ts) when it builds a shape for a target, so the script that real k6,
// k6-operator and the Node engine run carries its target with it.
declare module 'shipcheck:target' {
  const target: import('../../harness/target/types.ts').Target;
  export default target;
}
