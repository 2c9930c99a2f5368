/**
 * JMH micro-benchmarks of jmtcp's hot paths, packaged as {@code examples/target/benchmarks.jar}
 * (run {@code java -jar examples/target/benchmarks.jar <regex> [JMH options]}). Each benchmark
 * states what it measures and the figure it is held to.
 *
 * <p>Two kinds: engine-level benchmarks drive jmtcp's engine and wire code directly (checksum,
 * header parse, segments, rings, engine-to-engine transactions); provider-level benchmarks
 * ({@link io.jmtcp.examples.bench.SelectorBenchmark},
 * {@link io.jmtcp.examples.bench.NettyHttpBenchmark},
 * {@link io.jmtcp.examples.bench.ChannelShortConnectionBenchmark}) run the same code over the
 * JDK's provider and over jmtcp's, chosen by a {@code provider} parameter, so one run gives the
 * ratio ({@link io.jmtcp.examples.bench.Providers}).
 *
 * <p>Threading: JMH owns the threads; every benchmark state is per thread ({@code Scope.Thread}),
 * as the engine's own per-engine flyweights are. The provider-level ones also run the threads of
 * what they measure (jmtcp's engine, Netty's event loop).
 */
package io.jmtcp.examples.bench;
