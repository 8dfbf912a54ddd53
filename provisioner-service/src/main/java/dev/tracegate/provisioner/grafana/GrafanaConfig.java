package dev.tracegate.provisioner.grafana;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How we talk to Grafana; the Grafana URL and credentials come from each TempoGateway. */
@ConfigMapping(prefix = "tracegate.grafana")
public interface GrafanaConfig {

    /** Time to open a connection to Grafana. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Time to wait for Grafana's answer. */
    @WithDefault("15s")
    Duration readTimeout();

    /** REST clients kept, one per distinct Grafana connection (URL, credentials, org, CA). */
    @WithDefault("32")
    int clientCacheSize();

    /**
     * The Grafana instances a TempoGateway's spec.grafana.url may name, as origins ({@code https://grafana.example},
     * {@code http://grafana.monitoring.svc:3000}); any when absent. Set it where people who may write TempoGateways
     * should not point the provisioner, and the credentials they give it, at other services ({@link GrafanaUrlAllowList}).
     */
    Optional<List<String>> allowedUrls();

    /**
     * This cluster's name where provisioners of several clusters keep datasources in one Grafana org: it joins the
     * TempoGateway's {@code namespace/name} in the datasources' uids and ownership marks, so that a TempoGateway of
     * the same namespace and name in another cluster neither overwrites nor deletes them. Unset: the marks of a
     * single cluster. Letters, digits and '-', at most 63 ({@link DatasourceOwner}).
     */
    Optional<String> cluster();
}
