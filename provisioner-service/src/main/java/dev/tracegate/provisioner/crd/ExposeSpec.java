package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Makes Tempo's query-frontend reachable from outside the cluster when no gateway is in front of it (the step the
 * Tempo Operator's documentation leaves to you): the provisioner creates and owns the object, and the Grafana
 * datasources use its URL.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExposeSpec {
    @JsonPropertyDescription("A networking.k8s.io/v1 Ingress in front of the query-frontend.")
    public IngressSpec ingress;

    /** The Ingress to create. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class IngressSpec {
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @JsonPropertyDescription("Host name the Ingress serves, e.g. tempo.example.com; the datasources use http(s)://<host>.")
        public String host;

        @Pattern(Patterns.OBJECT_NAME)
        @JsonPropertyDescription("IngressClass name (spec.ingressClassName); the cluster's default class when absent.")
        public String className;

        @Pattern(Patterns.OBJECT_NAME)
        @JsonPropertyDescription("Secret (kubernetes.io/tls) with the certificate for host; when set the Ingress serves https.")
        public String tlsSecret;
    }
}
