package dev.tracegate.gateway.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link TempoStandIn} for {@code @QuarkusTest}s and points the gateway at it:
 * {@code tracegate.upstream.query-frontend} and {@code tracegate.upstream.distributor} = {@link TempoStandIn#url()}.
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(TempoStandInResource.class)
 * class ReadPathTest {
 *     TempoStandIn tempo = TempoStandInResource.tempo();
 *     @BeforeEach void reset() { tempo.reset(); }
 * }
 * }</pre>
 * One stand-in per running application: Quarkus 3.33 loads the test classes and this resource in one class loader per
 * test profile, calls {@link #start()} before the profile's application starts and {@link #stop()} after it stopped.
 * So each profile gets its own stand-in (its own port), and {@link #tempo()}, called from a test, always returns the
 * stand-in whose URL the running application was given. A {@link #start()} while one is running (same class loader)
 * reuses it, reset. A JVM shutdown hook closes whatever is left. Tests should {@link TempoStandIn#reset()} it in
 * {@code @BeforeEach}: behaviours and recordings outlive a test method.
 */
public class TempoStandInResource implements QuarkusTestResourceLifecycleManager {

    public static final String QUERY_FRONTEND_PROPERTY = "tracegate.upstream.query-frontend";
    public static final String DISTRIBUTOR_PROPERTY = "tracegate.upstream.distributor";

    private static TempoStandIn tempo; // guarded by TempoStandInResource.class
    private static Thread shutdownHook; // guarded by TempoStandInResource.class

    @Override
    public Map<String, String> start() {
        TempoStandIn t = startOrReset();
        return Map.of(QUERY_FRONTEND_PROPERTY, t.url(), DISTRIBUTOR_PROPERTY, t.url());
    }

    /** Closes the stand-in: Quarkus calls this when the application of a test profile stops. */
    @Override
    public void stop() {
        synchronized (TempoStandInResource.class) {
            if (tempo != null) {
                tempo.close();
                tempo = null;
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down
                }
                shutdownHook = null;
            }
        }
    }

    /** The running stand-in; fails if no test resource started it. */
    public static TempoStandIn tempo() {
        synchronized (TempoStandInResource.class) {
            if (tempo == null) {
                throw new IllegalStateException("no Tempo stand-in: annotate the test with "
                        + "@QuarkusTestResource(TempoStandInResource.class), or use TempoStandIn.start()");
            }
            return tempo;
        }
    }

    /** The running stand-in, back to its default answers and with no recorded requests: for {@code @BeforeEach}. */
    public static TempoStandIn fresh() {
        TempoStandIn t = tempo();
        t.reset();
        t.clear();
        return t;
    }

    private static TempoStandIn startOrReset() {
        synchronized (TempoStandInResource.class) {
            if (tempo == null) {
                TempoStandIn started = TempoStandIn.start();
                shutdownHook = new Thread(started::close, "tempo-stand-in-stop");
                Runtime.getRuntime().addShutdownHook(shutdownHook);
                tempo = started;
            } else {
                tempo.reset();
            }
            return tempo;
        }
    }
}
