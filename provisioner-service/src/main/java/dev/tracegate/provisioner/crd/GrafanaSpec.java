package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tracegate.tenants.TenantsValidator;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The Grafana instance to keep wired to this gateway's tenants. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GrafanaSpec {
    @Required
    @Pattern(TenantsValidator.SERVER_URL_PATTERN)
    @JsonPropertyDescription("Base URL of Grafana's HTTP API as the provisioner reaches it, e.g. http://grafana:3000; no user or password in it (they go in credentialsSecret). Its origin must be among the provisioner's tracegate.grafana.allowed-urls when that is set.")
    public String url;

    @Required
    @JsonPropertyDescription("Secret with a Grafana service-account token, or a user and password, allowed to manage datasources.")
    public GrafanaCredentials credentialsSecret;

    @Min(1)
    @JsonPropertyDescription("Grafana organization of the datasources (sent as X-Grafana-Org-Id); the credentials' own org when absent.")
    public Long orgId;

    @JsonPropertyDescription("PEM CA bundle the provisioner trusts for Grafana's TLS certificate.")
    public SecretKeyRef caSecret;

    @JsonPropertyDescription("How the Tempo datasources are made.")
    public DatasourceSpec datasource;
}
