package io.jmtcp.engine.stack;

/**
 * Work another thread hands to an engine; it runs on the engine thread during the command step
 * of the duty cycle (DESIGN.md 3.1 step 4), where it may touch the engine's state.
 */
@FunctionalInterface
public interface EngineCommand {
    /** Runs on the engine thread. */
    void execute(Engine engine, long now);

    /**
     * The engine stopped before running the command: fail what it was for (a socket to open,
     * a waiting thread). Called on the stopping engine's thread or the submitter's, possibly
     * both, so it must be idempotent and must not block.
     */
    default void abandon(String detail, Throwable cause) {
    }
}
