package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tracegate.tenants.TenantsValidator;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The Tracegate gateway that serves this configuration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewaySpec {
    // No schema default: the API server would write it into every spec.gateway it admits, and with tenantsFrom "left
    // out" (the operator's gateway) would never reach the provisioner.
    @JsonPropertyDescription("Whether Grafana reaches Tempo through the gateway (true) or directly at the query-frontend with X-Scope-OrgID (false). "
            + "Left out: true; with tenantsFrom, the Tempo Operator's gateway when the TempoStack or TempoMonolithic has one.")
    public Boolean enabled;

    @Pattern(TenantsValidator.SERVER_URL_PATTERN)
    @JsonPropertyDescription("Base URL of the gateway as Grafana's server reaches it, e.g. http://tracegate-gateway:8080; no user or password in it.")
    public String url;

    @JsonPropertyDescription("The Kubernetes service account allowed to fetch this gateway's resolved configuration from the provisioner.")
    public ServiceAccountRef serviceAccount;

    /** Absent means enabled (without tenantsFrom). (Not a bean getter: it must not become a property.) */
    public boolean routesThroughGateway() {
        return enabled == null || enabled;
    }

    /** A Kubernetes service account, by name and namespace. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ServiceAccountRef {
        @Required
        @Pattern(Patterns.OBJECT_NAME)
        @JsonPropertyDescription("Name of the service account.")
        public String name;

        @Pattern(Patterns.OBJECT_NAME)
        @JsonPropertyDescription("Namespace of the service account; defaults to the TempoGateway's namespace.")
        public String namespace;
    }
}
