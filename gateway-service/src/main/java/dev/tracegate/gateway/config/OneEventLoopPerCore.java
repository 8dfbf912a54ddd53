package dev.tracegate.gateway.config;

import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One Vert.x event loop per core. Quarkus' own default is one per core but at least two, so a gateway given one core
 * (a pod with a CPU limit of 1, the bench's pinned core) ran two loops taking turns on it. The gateway never blocks
 * an event loop, so the second brings nothing but the turns: on one core, one loop measured a shorter tail, less CPU
 * per request and less memory (bench/README.md, "Sixth round"). A default like any other: this source ranks below
 * {@code application.properties}, environment variables and system properties
 * ({@code QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE}).
 */
public class OneEventLoopPerCore implements ConfigSource {

    static final String EVENT_LOOPS = "quarkus.vertx.event-loops-pool-size";
    static final String NAME = "tracegate: one event loop per core";
    /** Below application.properties (250), META-INF/microprofile-config.properties (100) and the rest. */
    static final int ORDINAL = 50;

    private final IntSupplier cores;

    public OneEventLoopPerCore() {
        this(Runtime.getRuntime()::availableProcessors);
    }

    OneEventLoopPerCore(IntSupplier cores) {
        this.cores = cores;
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(EVENT_LOOPS);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(EVENT_LOOPS, getValue(EVENT_LOOPS));
    }

    @Override
    public String getValue(String propertyName) {
        // Asked when Vert.x starts, on the machine that runs the gateway (a container's CPU limit included).
        return EVENT_LOOPS.equals(propertyName) ? Integer.toString(cores.getAsInt()) : null;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
