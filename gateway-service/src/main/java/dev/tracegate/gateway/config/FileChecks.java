package dev.tracegate.gateway.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Checks the files the gateway follows for changes, one after the other on one thread, every
 * {@code tracegate.tenants.file-check-interval}: the tenants file, the tenants' issuer CA files and
 * {@code tracegate.upstream.ca-file}. Polled rather than watched: Kubernetes swaps a mounted ConfigMap's or Secret's
 * files through symlinks, which file watchers miss. A check reads files, so none runs on an event loop.
 */
@ApplicationScoped
public class FileChecks {

    private static final Logger LOG = Logger.getLogger(FileChecks.class);

    /** What is checked, for the log, and the check. */
    private record Check(String files, Runnable check) {
    }

    private final List<Check> checks = new CopyOnWriteArrayList<>();
    private final long everyMillis;
    private ScheduledExecutorService poller;

    public FileChecks(GatewayConfig config) {
        this.everyMillis = config.tenants().fileCheckInterval().toMillis();
    }

    /** Has {@code check} run at every interval from start-up on; {@code files} names them in a failure's log line. */
    public void follow(String files, Runnable check) {
        checks.add(new Check(files, check));
    }

    void start(@Observes StartupEvent event) {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "file-checks");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::checkAll, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    private void checkAll() {
        for (Check c : checks) {
            try {
                c.check().run();
            } catch (RuntimeException e) {
                // Caught here: an exception would end the scheduled checks for good, the other files' too.
                LOG.errorf("Could not check %s: %s", c.files(), e.toString());
            }
        }
    }
}
