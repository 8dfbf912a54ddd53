package dev.tracegate.provisioner.reconcile;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Decides whether this replica writes: the holder of a Kubernetes Lease does, the others only serve the API
 * from their caches. With leader election disabled, this replica always leads.
 */
@ApplicationScoped
public class Leadership {
    private static final Logger LOG = Logger.getLogger(Leadership.class);

    private final KubernetesClient client;
    private final ProvisionerConfig.LeaderElection config;
    private final MeterRegistry meters;
    private final Gauge gauge;
    private volatile boolean leader;
    private volatile boolean stopped;
    private volatile Runnable onStartLeading = () -> { };
    private volatile CompletableFuture<?> election;

    public Leadership(KubernetesClient client, ProvisionerConfig config, MeterRegistry meters) {
        this.client = client;
        this.config = config.leaderElection();
        // 1 on the replica that writes: summed over replicas, under 1 for long is TracegateProvisionerLeaderMissing.
        // A supplier, not a weak reference to this bean: the gauge must live as long as the application.
        this.meters = meters;
        this.gauge = Gauge.builder("tracegate.provisioner.leader", () -> leader ? 1 : 0)
                .description("1 while this replica holds the Lease and writes")
                .register(meters);
    }

    /**
     * Meters outlive an application in its JVM (dev mode's live reload, tests that start several): left behind, this
     * gauge would go on telling this replica's lead, and the next application's would be ignored.
     */
    @PreDestroy
    void removeGauge() {
        meters.remove(gauge);
    }

    public boolean isLeader() {
        return leader;
    }

    /** Starts campaigning; {@code whenLeading} runs each time this replica becomes the leader. */
    public synchronized void start(Runnable whenLeading) {
        this.onStartLeading = whenLeading;
        stopped = false;
        if (!config.enabled()) {
            LOG.info("Leader election disabled: this replica writes");
            leader = true;
            whenLeading.run();
            return;
        }
        campaign();
    }

    public synchronized void stop() {
        stopped = true;
        if (election != null) {
            // Cancelling releases the Lease (releaseOnCancel), so a successor takes over at once.
            election.cancel(true);
        }
        leader = false;
    }

    private synchronized void campaign() {
        if (stopped) {
            return;
        }
        String namespace = config.leaseNamespace().orElseGet(() -> client.getNamespace() == null ? "default" : client.getNamespace());
        String identity = config.identity().orElseGet(Leadership::defaultIdentity);
        LeaderElector elector = client.leaderElector()
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(config.leaseName())
                        .withLock(new LeaseLock(namespace, config.leaseName(), identity))
                        .withLeaseDuration(config.leaseDuration())
                        .withRenewDeadline(config.renewDeadline())
                        .withRetryPeriod(config.retryPeriod())
                        .withReleaseOnCancel(true)
                        .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading,
                                newLeader -> LOG.infof("Lease %s/%s is held by %s", namespace, config.leaseName(), newLeader)))
                        .build())
                .build();
        LOG.infof("Campaigning for Lease %s/%s as %s", namespace, config.leaseName(), identity);
        election = elector.start();
        // A lost Lease ends the elector; campaign again so that this replica can take over later.
        election.whenComplete((ignored, error) -> {
            leader = false;
            if (!stopped) {
                campaign();
            }
        });
    }

    private void startedLeading() {
        LOG.info("Became the leader: reconciling every TempoGateway");
        leader = true;
        onStartLeading.run();
    }

    private void stoppedLeading() {
        LOG.info("Lost the lead: no more writes from this replica");
        leader = false;
    }

    private static String defaultIdentity() {
        String host = System.getenv("HOSTNAME");
        return host != null && !host.isBlank() ? host : "tracegate-provisioner-" + UUID.randomUUID();
    }
}
