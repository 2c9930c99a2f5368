/**
 * JMH micro-benchmarks of jmtcp's hot paths, packaged as {@code examples/target/benchmarks.jar}
 * (run {@code java -jar examples/target/benchmarks.jar <regex> [JMH options]}). Each benchmark
 * states what it measures and the figure it is held to.
 *
 * <p>Threading: JMH owns the threads; every benchmark state is per thread ({@code Scope.Thread}),
 * as the engine's own per-engine flyweights are.
 */
package io.jmtcp.examples.bench;
