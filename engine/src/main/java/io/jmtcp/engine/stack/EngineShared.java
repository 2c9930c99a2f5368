package io.jmtcp.engine.stack;

import io.jmtcp.engine.shard.RssTable;
import io.jmtcp.engine.shard.Toeplitz;
import io.jmtcp.engine.tcp.IsnGenerator;
import io.jmtcp.engine.tcp.SynCookies;
import java.util.function.IntPredicate;

/**
 * What the engines of one stack share: immutable keys and tables, and the stack's registry of
 * reserved ports (thread-safe).
 *
 * @param engines how many engines the stack runs
 * @param isn the ISN generator (RFC 6528), immutable
 * @param cookies SYN cookies (RFC 4987), immutable, so any engine can check another's cookie
 * @param toeplitz the RSS hash with the symmetric key
 * @param rss the redirection table: hash to engine
 * @param portReserved ports taken by listeners or binds, which ephemeral choice avoids
 */
public record EngineShared(int engines, IsnGenerator isn, SynCookies cookies, Toeplitz toeplitz, RssTable rss,
        IntPredicate portReserved) {

    /** Fresh random keys for a stack of {@code engines} engines. */
    public static EngineShared create(int engines, IntPredicate portReserved) {
        return new EngineShared(engines, IsnGenerator.random(), SynCookies.random(),
                new Toeplitz(Toeplitz.symmetricKey()), new RssTable(engines, RssTable.DEFAULT_ENTRIES), portReserved);
    }
}
