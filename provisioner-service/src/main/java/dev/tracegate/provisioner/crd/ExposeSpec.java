package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Makes Tempo's query-frontend reachable from outside the cluster when no gateway is in front of it (the step the
 * Tempo Operator's documentation leaves to you): the provisioner creates and owns the object, and the Grafana
 * datasources use its URL.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.ingress) && has(self.route))", message = "expose: ingress or route, not both")
public class ExposeSpec {
    @JsonPropertyDescription("A networking.k8s.io/v1 Ingress in front of the query-frontend.")
    public IngressSpec ingress;

    @JsonPropertyDescription("An OpenShift Route (route.openshift.io/v1) in front of the query-frontend, where that API exists.")
    public RouteSpec route;

    /** The Route to create. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RouteSpec {
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @JsonPropertyDescription("Host name the Route serves; the datasources use https://<host> (edge) or http://<host> (insecure).")
        public String host;

        @Default("edge")
        @JsonPropertyDescription("edge: the router serves https with its certificate; insecure: plain http.")
        public Termination termination;
    }

    /** TLS termination of the Route, as the Tempo Operator names them (the query-frontend itself speaks http). */
    public enum Termination {
        @JsonProperty("edge")
        EDGE,
        @JsonProperty("insecure")
        INSECURE
    }

    /** The Ingress to create. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class IngressSpec {
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @JsonPropertyDescription("Host name the Ingress serves, e.g. tempo.example.com; the datasources use http(s)://<host>.")
        public String host;

        @Pattern(Patterns.OBJECT_NAME)
        @JsonPropertyDescription("IngressClass name (spec.ingressClassName). When absent, the API server assigns the cluster's default class on create and the provisioner keeps whatever class the Ingress has, also after className is removed.")
        public String className;

        @Pattern(Patterns.OBJECT_NAME)
        @JsonPropertyDescription("Secret (kubernetes.io/tls) with the certificate for host; when set the Ingress serves https.")
        public String tlsSecret;
    }
}
