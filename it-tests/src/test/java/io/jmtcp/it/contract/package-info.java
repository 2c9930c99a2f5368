/**
 * The NIO contract suite: plain {@code java.nio} code (no jmtcp imports) that states how
 * SocketChannel, ServerSocketChannel, Selector, Pipe and the socket adaptors behave, run in forked
 * JVMs on the JDK's own provider, which defines the contract, and on jmtcp's, started as users start
 * it (the provider property, jmtcp.jar on the class path). Each case class ({@code *Cases}) holds
 * public static methods, one per behaviour; {@link io.jmtcp.it.contract.ContractRunner} runs them in
 * a JVM, one thread per case, and prints a result line each; {@link io.jmtcp.it.contract.NioContractTest}
 * forks the JVMs and turns each line into a JUnit dynamic test. Cases use only 127.0.0.1, which on
 * jmtcp's default configuration is the in-stack loopback.
 */
package io.jmtcp.it.contract;
