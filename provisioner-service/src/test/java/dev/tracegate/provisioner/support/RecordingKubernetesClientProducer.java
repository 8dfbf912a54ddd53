package dev.tracegate.provisioner.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The application's Kubernetes client in tests, as Quarkus builds it, plus an interceptor that writes every
 * request the provisioner makes to {@link ApiRequestLog}, and every TempoGateway status it writes to
 * {@link StatusWriteLog} (and holds back those a test names to {@link StalledRequests}). Requests a test makes
 * itself through the same client (creating fixtures, reading status) are told apart by a test class, or a test's
 * set-up (Cluster, Fixtures, FreshNamespaceWithRoutes), on the calling stack, and left out; their Route writes still
 * count for {@link RouteHosts}.
 */
@Singleton
public class RecordingKubernetesClientProducer {
    private static final Pattern TEST_CODE = Pattern.compile(
            "dev\\.tracegate\\.provisioner\\.(.*Test|support\\.(Cluster|Fixtures)|expose\\.FreshNamespaceWithRoutes)(\\$.*)?");

    @Produces
    @Singleton
    KubernetesClient kubernetesClient(KubernetesSerialization serialization, Config config) {
        String ownNamespace = config.getNamespace() == null ? "default" : config.getNamespace();
        RouteHosts routeHosts = new RouteHosts();
        Interceptor recorder = new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                if (!calledFromTestCode()) {
                    ApiRequestLog.ApiRequest described = ApiRequestLog.describe(request.method(), request.uri(), ownNamespace);
                    if (described != null) {
                        ApiRequestLog.append(routeHosts.describe(described, request.bodyString()));
                        if (StatusWriteLog.isStatusWrite(described)) {
                            StatusWriteLog.append(described, request.bodyString());
                        }
                        StalledRequests.before(described);
                    }
                }
            }

            @Override
            public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
                ApiRequestLog.ApiRequest described = ApiRequestLog.describe(request.method(), request.uri(), ownNamespace);
                if (described != null && response.isSuccessful()) {
                    routeHosts.accepted(described, request.bodyString());
                }
            }
        };
        return new KubernetesClientBuilder()
                .withKubernetesSerialization(serialization)
                .withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("rbac-recorder", recorder))
                .build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }

    private static boolean calledFromTestCode() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> TEST_CODE.matcher(f.getClassName()).matches()));
    }
}
