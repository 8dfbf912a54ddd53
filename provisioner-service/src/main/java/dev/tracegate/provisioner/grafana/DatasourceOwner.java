package dev.tracegate.provisioner.grafana;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who owns a datasource, as its ownership mark and uid name it: the TempoGateway's {@code namespace/name}, followed
 * by {@code @<cluster>} when {@code tracegate.grafana.cluster} is set.
 */
public final class DatasourceOwner {
    public static final String CLUSTER_KEY = "tracegate.grafana.cluster";
    private static final Pattern CLUSTER = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$");
    private static final char CLUSTER_SEPARATOR = '@';

    private DatasourceOwner() {
    }

    /** @throws IllegalArgumentException when the cluster name is not letters, digits and '-' (at most 63) */
    public static void validateCluster(Optional<String> cluster) {
        if (cluster.isPresent() && !CLUSTER.matcher(cluster.get()).matches()) {
            throw new IllegalArgumentException("must be letters, digits and '-', at most 63, starting and ending with a letter or digit");
        }
    }

    /** The owner of a TempoGateway's datasources, in this cluster. */
    public static String of(String gatewayKey, Optional<String> cluster) {
        return cluster.map(c -> gatewayKey + CLUSTER_SEPARATOR + c).orElse(gatewayKey);
    }

    /** The TempoGateway's {@code namespace/name} in an owner. */
    static String gatewayKey(String owner) {
        int at = owner.indexOf(CLUSTER_SEPARATOR);
        return at < 0 ? owner : owner.substring(0, at);
    }

    /** The cluster named in an owner; empty for none. */
    static String cluster(String owner) {
        int at = owner.indexOf(CLUSTER_SEPARATOR);
        return at < 0 ? "" : owner.substring(at + 1);
    }
}
