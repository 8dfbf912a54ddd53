package dev.tracegate.provisioner.expose;

import dev.tracegate.provisioner.crd.ExposeSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.kube.WriteResult;
import dev.tracegate.provisioner.secrets.Ownership;
import dev.tracegate.provisioner.status.Conditions;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The OpenShift Route that spec.expose.route asks for, where the route.openshift.io API exists: the same rules as
 * {@link QueryFrontendIngress} (created, owned, kept exactly as asked, deleted when no longer asked for; never
 * someone else's).
 * Read and written as a generic resource: no OpenShift client library needed.
 */
@ApplicationScoped
public class QueryFrontendRoute {
    static final String GROUP_VERSION = "route.openshift.io/v1";
    static final ResourceDefinitionContext ROUTES = new ResourceDefinitionContext.Builder().withGroup("route.openshift.io")
            .withVersion("v1").withKind("Route").withPlural("routes").withNamespaced(true).build();
    private static final Logger LOG = Logger.getLogger(QueryFrontendRoute.class);

    private final KubernetesClient client;
    private final ExposedObjectWatch watch;

    public QueryFrontendRoute(KubernetesClient client, ExposedObjectWatch watch) {
        this.client = client;
        this.watch = watch;
    }

    /** Same contract as {@link QueryFrontendIngress#apply}. */
    public QueryFrontendIngress.Result apply(TempoGateway gateway, boolean throughGateway, String queryFrontend) {
        ExposeSpec.RouteSpec wanted = gateway.getSpec().expose == null ? null : gateway.getSpec().expose.route;
        String namespace = gateway.getMetadata().getNamespace();
        String name = QueryFrontendIngress.name(gateway);
        if (wanted == null || throughGateway) {
            WriteResult removed = wanted == null && !routesServed() ? WriteResult.UNCHANGED : removeOwn(gateway);
            return new QueryFrontendIngress.Result(wanted == null ? null : Conditions.of(Conditions.EXPOSED, false, "GatewayInUse",
                    "spec.expose applies only without a gateway; Grafana goes through the gateway, so no Route is made"), null, removed, name);
        }
        if (!routesServed()) {
            return new QueryFrontendIngress.Result(Conditions.of(Conditions.EXPOSED, false, "RouteAPIMissing",
                    GROUP_VERSION + " routes are not served by this cluster (not OpenShift?): use spec.expose.ingress"), null, WriteResult.UNCHANGED, name);
        }
        QueryFrontendIngress.Backend backend = QueryFrontendIngress.Backend.of(queryFrontend, namespace);
        if (backend == null) {
            return new QueryFrontendIngress.Result(QueryFrontendIngress.notAService(queryFrontend, namespace), null, WriteResult.UNCHANGED, name);
        }
        Map<String, Object> spec = spec(wanted, backend);
        GenericKubernetesResource existing = client.genericKubernetesResources(ROUTES).inNamespace(namespace).withName(name).get();
        if (existing != null && !Ownership.isManagedFor(existing, gateway)) {
            watch.reconciled(ExposedObjectWatch.Kind.ROUTE, gateway, existing, existing);
            return new QueryFrontendIngress.Result(Conditions.of(Conditions.EXPOSED, false, "ForeignRoute", "Route " + name
                    + " exists and is not managed by Tracegate (" + Ownership.foreignReason(existing) + "): left unchanged"), null, WriteResult.REFUSED_FOREIGN, name);
        }
        WriteResult write;
        GenericKubernetesResource left = existing;
        if (existing == null) {
            left = client.genericKubernetesResources(ROUTES).inNamespace(namespace).resource(desired(gateway, spec)).create();
            write = WriteResult.CREATED;
        } else if (!spec.equals(existing.getAdditionalProperties().get("spec")) || !Ownership.isMarkedFor(existing, gateway)) {
            // The whole spec is ours: a field it should not hold (the tls of an insecure Route, a path added by hand)
            // goes. Labels and the current TempoGateway's ownerReference are put back as for tenant Secrets.
            existing.getMetadata().setLabels(Ownership.labelsWith(existing, gateway));
            existing.getMetadata().setOwnerReferences(Ownership.ownerReferencesWith(existing, gateway));
            existing.setAdditionalProperty("spec", spec);
            left = client.genericKubernetesResources(ROUTES).inNamespace(namespace).resource(existing).update();
            write = WriteResult.UPDATED;
        } else {
            write = WriteResult.UNCHANGED;
        }
        watch.reconciled(ExposedObjectWatch.Kind.ROUTE, gateway, existing, left);
        if (write.changed()) {
            LOG.infof("%s Route %s/%s for TempoGateway %s", write == WriteResult.CREATED ? "Created" : "Updated", namespace, name, gateway.key());
        }
        String url = (wanted.termination == ExposeSpec.Termination.INSECURE ? "http" : "https") + "://" + wanted.host;
        return new QueryFrontendIngress.Result(Conditions.of(Conditions.EXPOSED, true, "RouteReady", "Route " + name + " serves " + url
                + " for Service " + backend.service() + ":" + backend.port()), url, write, name);
    }

    /** Asked by discovery at each reconcile; the Route watch follows the answer. */
    private boolean routesServed() {
        boolean served;
        try {
            APIResourceList resources = client.getApiResources(GROUP_VERSION);
            served = resources != null && resources.getResources() != null
                    && resources.getResources().stream().anyMatch(r -> "routes".equals(r.getName()));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            served = false;
        }
        watch.followRouteApi(served);
        return served;
    }

    private WriteResult removeOwn(TempoGateway gateway) {
        String namespace = gateway.getMetadata().getNamespace();
        String name = QueryFrontendIngress.name(gateway);
        GenericKubernetesResource existing = client.genericKubernetesResources(ROUTES).inNamespace(namespace).withName(name).get();
        if (existing == null || !Ownership.isManagedFor(existing, gateway)) {
            watch.reconciled(ExposedObjectWatch.Kind.ROUTE, gateway, existing, existing);
            return WriteResult.UNCHANGED;
        }
        client.genericKubernetesResources(ROUTES).inNamespace(namespace).withName(name).delete();
        watch.reconciled(ExposedObjectWatch.Kind.ROUTE, gateway, existing, null);
        LOG.infof("Deleted Route %s/%s of TempoGateway %s: no longer asked for", namespace, name, gateway.key());
        return WriteResult.DELETED;
    }

    /**
     * The Route's spec as OpenShift's API server stores it, so that an up-to-date Route compares equal: with the
     * defaults it fills in spelled out (library-go's route defaulting: to.kind Service, to.weight 100,
     * wildcardPolicy None; tls.termination only when empty, and we always set it). It keeps an existing host when
     * an update sends none and generates one when a create does, but spec.expose.route.host is required, so we
     * always send ours. The router writes status only.
     */
    private static Map<String, Object> spec(ExposeSpec.RouteSpec wanted, QueryFrontendIngress.Backend backend) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("host", wanted.host);
        spec.put("to", Map.of("kind", "Service", "name", backend.service(), "weight", 100));
        spec.put("port", Map.of("targetPort", backend.port()));
        if (wanted.termination != ExposeSpec.Termination.INSECURE) {
            spec.put("tls", Map.of("termination", "edge", "insecureEdgeTerminationPolicy", "Redirect"));
        }
        spec.put("wildcardPolicy", "None");
        return spec;
    }

    private static GenericKubernetesResource desired(TempoGateway gateway, Map<String, Object> spec) {
        GenericKubernetesResource route = new GenericKubernetesResource();
        route.setApiVersion(GROUP_VERSION);
        route.setKind("Route");
        route.setMetadata(new ObjectMetaBuilder()
                .withName(QueryFrontendIngress.name(gateway))
                .withNamespace(gateway.getMetadata().getNamespace())
                .withLabels(Ownership.labels(gateway))
                .withOwnerReferences(Ownership.ownerReference(gateway))
                .build());
        route.setAdditionalProperty("spec", spec);
        return route;
    }
}
