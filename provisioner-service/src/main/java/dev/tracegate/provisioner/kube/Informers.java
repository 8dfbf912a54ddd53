package dev.tracegate.provisioner.kube;

import io.fabric8.kubernetes.client.dsl.AnyNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Optional;
import org.jboss.logging.Logger;

/** How the provisioner starts its informers. */
public final class Informers {
    private static final Logger LOG = Logger.getLogger(Informers.class);

    private Informers() {
    }

    /** The resources of one watched namespace scope: the namespace, or all namespaces when empty. */
    public static <T, L, R extends Resource<T>> AnyNamespaceOperation<T, L, R> inScope(MixedOperation<T, L, R> resources,
                                                                                      Optional<String> namespace) {
        return namespace.isPresent() ? resources.inNamespace(namespace.get()) : resources.inAnyNamespace();
    }

    /**
     * Starts without blocking start-up: while the API server is away, the CRD is not installed yet or the
     * provisioner lacks the right to list, the informer keeps trying, and says so in the log.
     */
    public static void startRetrying(SharedIndexInformer<?> informer, String what, Optional<String> namespace) {
        String where = namespace.orElse("all namespaces");
        informer.exceptionHandler((started, error) -> {
            LOG.warnf("Watching %s in %s failed, retrying: %s", what, where, error.getMessage());
            return true;
        });
        informer.start().whenComplete((ok, error) -> {
            if (error == null) {
                LOG.infof("Watching %s in %s", what, where);
            }
        });
    }
}
