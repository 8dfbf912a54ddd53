package dev.tracegate.provisioner.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.support.Fixtures;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Secrets labelled as a TempoGateway's are listed a page at a time (anyone may label a 1 MiB Secret as its), and
 * a stale one on a later page is deleted too. fabric8's mock API server ignores {@code limit}, so this API server
 * stand-in pages as the real one does: {@code limit} items, and a {@code metadata.continue} token for the next page.
 */
class StaleSecretsInPagesTest {
    static final String NAMESPACE = "observability";
    static final String SECRETS = "/api/v1/namespaces/" + NAMESPACE + "/secrets";

    HttpServer apiServer;
    KubernetesClient client;
    List<String> listQueries = new CopyOnWriteArrayList<>();
    List<String> deleted = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        apiServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        apiServer.createContext(SECRETS, this::answer);
        apiServer.start();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl("http://127.0.0.1:" + apiServer.getAddress().getPort()).build()).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
        apiServer.stop(0);
    }

    @Test
    void aStaleSecretOnTheSecondPageIsDeleted() {
        TempoGateway gateway = Fixtures.seedGateway(NAMESPACE);

        List<SecretWrite> writes = new TenantSecretWriter(client, new WrittenSecrets()).deleteStale(gateway, Set.of("tenant-a"), null);

        assertEquals(List.of("stale-1", "stale-2"), writes.stream().map(SecretWrite::name).toList());
        assertEquals(List.of("stale-1", "stale-2"), deleted);
        assertEquals(2, listQueries.size(), listQueries.toString());
        listQueries.forEach(query -> {
            assertTrue(query.contains("limit=10"), query);
            assertTrue(query.contains("tracegate.dev/gateway=" + gateway.getMetadata().getName()), query);
        });
        assertTrue(listQueries.get(1).contains("continue=page-2"), listQueries.get(1));
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body;
        if (exchange.getRequestMethod().equals("DELETE")) {
            deleted.add(path.substring(path.lastIndexOf('/') + 1));
            body = "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Success\"}";
        } else {
            String query = URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
            listQueries.add(query);
            body = query.contains("continue=page-2")
                    ? list("", secret("stale-2"))
                    : list("page-2", secret("tenant-a") + "," + secret("stale-1"));
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String list(String next, String items) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"SecretList\",\"metadata\":{\"continue\":\"" + next + "\"},\"items\":[" + items + "]}";
    }

    private static String secret(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"namespace\":\"" + NAMESPACE + "\",\"name\":\"" + name
                + "\",\"labels\":{\"app.kubernetes.io/managed-by\":\"tracegate-provisioner\",\"tracegate.dev/gateway\":\"tempo-foo\"}}}";
    }
}
