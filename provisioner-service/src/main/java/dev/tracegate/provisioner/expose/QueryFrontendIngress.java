package dev.tracegate.provisioner.expose;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.ExposeSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.kube.WriteResult;
import dev.tracegate.provisioner.secrets.Ownership;
import dev.tracegate.provisioner.status.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The Ingress that spec.expose.ingress asks for, in front of the query-frontend when no gateway is: created and
 * owned by the provisioner (labelled, ownerReference to the TempoGateway, put back when lost or stale), kept as the
 * spec says, deleted when no longer asked for. An Ingress of that name that is not ours is never touched.
 */
@ApplicationScoped
public class QueryFrontendIngress {
    private static final Logger LOG = Logger.getLogger(QueryFrontendIngress.class);

    private final KubernetesClient client;
    private final ExposedObjectWatch watch;

    public QueryFrontendIngress(KubernetesClient client, ExposedObjectWatch watch) {
        this.client = client;
        this.watch = watch;
    }

    /**
     * @param condition Exposed, or null when nothing is asked
     * @param url       what Grafana should use for the query-frontend, or null to keep the upstream URL
     * @param write     what was done to the Ingress
     */
    public record Result(Condition condition, String url, WriteResult write, String name) {
    }

    public static String name(TempoGateway gateway) {
        return name(gateway.getMetadata().getName());
    }

    /** The name of the Ingress or Route made for the TempoGateway of this name. */
    static String name(String gatewayName) {
        return gatewayName + "-query-frontend";
    }

    /**
     * @param throughGateway true when Grafana goes through a gateway: the query-frontend is not exposed then
     * @param queryFrontend  the query-frontend URL in the cluster (a Service of the TempoGateway's namespace)
     */
    public Result apply(TempoGateway gateway, boolean throughGateway, String queryFrontend) {
        ExposeSpec.IngressSpec wanted = gateway.getSpec().expose == null ? null : gateway.getSpec().expose.ingress;
        String namespace = gateway.getMetadata().getNamespace();
        String name = name(gateway);
        if (wanted == null || throughGateway) {
            WriteResult removed = removeOwn(gateway);
            Condition condition = wanted == null ? null : Conditions.of(Conditions.EXPOSED, false, "GatewayInUse",
                    "spec.expose applies only without a gateway; Grafana goes through the gateway, so no Ingress is made");
            return new Result(condition, null, removed, name);
        }
        Backend backend = Backend.of(queryFrontend, namespace);
        if (backend == null) {
            return new Result(notAService(queryFrontend, namespace), null, WriteResult.UNCHANGED, name);
        }
        IngressSpec spec = spec(wanted, backend.service(), backend.port());
        Ingress existing = client.network().v1().ingresses().inNamespace(namespace).withName(name).get();
        if (existing != null && !Ownership.isManagedFor(existing, gateway)) {
            watch.reconciled(ExposedObjectWatch.Kind.INGRESS, gateway, existing, existing);
            return new Result(Conditions.of(Conditions.EXPOSED, false, "ForeignIngress", "Ingress " + name + " exists and is not managed by Tracegate ("
                    + Ownership.foreignReason(existing) + "): left unchanged"), null, WriteResult.REFUSED_FOREIGN, name);
        }
        WriteResult write;
        Ingress left;
        if (existing == null) {
            left = client.network().v1().ingresses().inNamespace(namespace).resource(desired(gateway, spec)).create();
            write = WriteResult.CREATED;
        } else {
            Optional<Ingress> updated = update(existing, gateway, spec, wanted.className == null);
            left = updated.orElse(existing);
            write = updated.isPresent() ? WriteResult.UPDATED : WriteResult.UNCHANGED;
        }
        watch.reconciled(ExposedObjectWatch.Kind.INGRESS, gateway, existing, left);
        if (write.changed()) {
            LOG.infof("%s Ingress %s/%s for TempoGateway %s", write == WriteResult.CREATED ? "Created" : "Updated", namespace, name, gateway.key());
        }
        String url = (wanted.tlsSecret != null ? "https" : "http") + "://" + wanted.host;
        return new Result(Conditions.of(Conditions.EXPOSED, true, "IngressReady", "Ingress " + name + " serves " + url + " for Service "
                + backend.service() + ":" + backend.port()), url, write, name);
    }

    /**
     * Puts the spec back, and the labels and the current TempoGateway's ownerReference (as for tenant Secrets), when
     * either differs.
     *
     * @param keepClass true when spec.expose.ingress.className is unset: the Ingress keeps the class it has
     * @return the Ingress as updated; empty when it was up to date
     */
    private Optional<Ingress> update(Ingress existing, TempoGateway gateway, IngressSpec spec, boolean keepClass) {
        if (keepClass && existing.getSpec() != null) {
            // The API server's DefaultIngressClass admission fills the class in on create only: putting the spec
            // back without it would leave a classless Ingress, which controllers such as ingress-nginx ignore.
            spec.setIngressClassName(existing.getSpec().getIngressClassName());
        }
        if (Objects.equals(existing.getSpec(), spec) && Ownership.isMarkedFor(existing, gateway)) {
            return Optional.empty();
        }
        Ingress updated = new IngressBuilder(existing)
                .editMetadata()
                .withLabels(Ownership.labelsWith(existing, gateway))
                .withOwnerReferences(Ownership.ownerReferencesWith(existing, gateway))
                .endMetadata()
                .withSpec(spec)
                .build();
        return Optional.of(client.network().v1().ingresses().inNamespace(existing.getMetadata().getNamespace()).resource(updated).update());
    }

    /** The Service behind the query-frontend URL: its first DNS label, when it is a Service of this namespace. */
    record Backend(String service, int port) {
        /**
         * @return null when the URL names no Service of the namespace: another namespace's, or none that Java's URI
         *         reads (characters URI refuses in the path, which the CRD's pattern admits; an '_' in the host name,
         *         where URI finds no host, stored before the CRD stated the validator's host rule); the validator
         *         refuses both, but only after the Ingress or Route is decided
         */
        static Backend of(String queryFrontend, String namespace) {
            URI url;
            try {
                url = new URI(queryFrontend);
            } catch (URISyntaxException e) {
                return null;
            }
            if (url.getHost() == null) {
                return null;
            }
            String[] labels = url.getHost().split("\\.");
            if (labels.length > 1 && !labels[1].equals(namespace)) {
                return null;
            }
            return new Backend(labels[0], url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80);
        }
    }

    static Condition notAService(String queryFrontend, String namespace) {
        return Conditions.of(Conditions.EXPOSED, false, "QueryFrontendNotAService", "spec.upstream.queryFrontend " + queryFrontend
                + " is not the URL of a Service in namespace " + namespace + ": only Services of the TempoGateway's namespace can be exposed");
    }

    private WriteResult removeOwn(TempoGateway gateway) {
        String namespace = gateway.getMetadata().getNamespace();
        Ingress existing = client.network().v1().ingresses().inNamespace(namespace).withName(name(gateway)).get();
        if (existing == null || !Ownership.isManagedFor(existing, gateway)) {
            watch.reconciled(ExposedObjectWatch.Kind.INGRESS, gateway, existing, existing);
            return WriteResult.UNCHANGED;
        }
        client.network().v1().ingresses().inNamespace(namespace).withName(name(gateway)).delete();
        watch.reconciled(ExposedObjectWatch.Kind.INGRESS, gateway, existing, null);
        LOG.infof("Deleted Ingress %s/%s of TempoGateway %s: no longer asked for", namespace, name(gateway), gateway.key());
        return WriteResult.DELETED;
    }

    private static IngressSpec spec(ExposeSpec.IngressSpec wanted, String service, int port) {
        IngressSpecBuilder spec = new IngressSpecBuilder()
                .withIngressClassName(wanted.className)
                .addNewRule().withHost(wanted.host)
                .withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName(service).withNewPort().withNumber(port).endPort().endService().endBackend()
                .endPath().endHttp().endRule();
        if (wanted.tlsSecret != null) {
            spec.addNewTl().withHosts(wanted.host).withSecretName(wanted.tlsSecret).endTl();
        }
        return spec.build();
    }

    private static Ingress desired(TempoGateway gateway, IngressSpec spec) {
        return new IngressBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(name(gateway))
                        .withNamespace(gateway.getMetadata().getNamespace())
                        .withLabels(Ownership.labels(gateway))
                        .withOwnerReferences(Ownership.ownerReference(gateway))
                        .build())
                .withSpec(spec)
                .build();
    }
}
