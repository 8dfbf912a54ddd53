package dev.tracegate.gateway.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.TrustOptions;

import dev.tracegate.gateway.config.BadSetting;
import dev.tracegate.gateway.tenant.CaFileTrust;

/**
 * The CAs that Tempo's {@code https} URLs are trusted by: those of {@code tracegate.upstream.ca-file}, or the JVM's
 * when it is unset. A file that is unreadable at start stops the start. The file is checked again on every
 * {@link #checkForRenewal()}: a renewed CA is given to every client of Tempo, for its new connections. Open
 * connections were verified when they opened, and they stay. A file that turns unreadable, or that no longer holds a
 * certificate, leaves the CAs read before in force, and the log says so.
 */
final class UpstreamTrust {

    private static final String CA_FILE_KEY = "tracegate.upstream.ca-file";
    private static final Logger LOG = Logger.getLogger(UpstreamTrust.class);

    /** A client of Tempo, with the TLS options it was created with. */
    private record Client(HttpClient client, SSLOptions tls) {
    }

    private final Optional<String> caFile;
    /** The file's content hash when it was last read, and the CAs in force: both guarded by this. */
    private String fingerprint;
    private TrustOptions trust;
    private final List<Client> clients = new ArrayList<>();

    UpstreamTrust(Optional<String> caFile) {
        this.caFile = caFile;
        caFile.ifPresent(path -> {
            fingerprint = CaFileTrust.fingerprint(path);
            try {
                trust = CaFileTrust.pemTrust(path);
            } catch (IllegalArgumentException e) {
                throw BadSetting.refused(CA_FILE_KEY, e.getMessage());
            }
        });
    }

    boolean watched() {
        return caFile.isPresent();
    }

    /** A new client of Tempo with the CAs in force, kept to be given renewed ones. */
    synchronized HttpClient create(HttpClientOptions options, Function<HttpClientOptions, HttpClient> factory) {
        if (trust == null) {
            return factory.apply(options);
        }
        options.setTrustOptions(trust);
        HttpClient client = factory.apply(options);
        clients.add(new Client(client, options.getSslOptions()));
        return client;
    }

    /** Reads the CA file again if it changed, and gives every client its CAs. Blocks on the file: not on an event loop. */
    void checkForRenewal() {
        if (caFile.isEmpty()) {
            return;
        }
        String path = caFile.get();
        String now = CaFileTrust.fingerprint(path);
        synchronized (this) {
            if (now.equals(fingerprint)) {
                return;
            }
            fingerprint = now; // said once per change, not on every check
        }
        TrustOptions renewed;
        try {
            renewed = CaFileTrust.pemTrust(path);
        } catch (IllegalArgumentException e) {
            LOG.errorf("%s: %s; Tempo's https URLs stay trusted by the CAs read before", CA_FILE_KEY, e.getMessage());
            return;
        }
        synchronized (this) {
            trust = renewed;
            for (Client c : clients) {
                c.client().updateSSLOptions(new SSLOptions(c.tls()).setTrustOptions(renewed))
                        .onFailure(e -> LOG.errorf("%s: the renewed CAs were not taken: %s", CA_FILE_KEY, e.toString()));
            }
        }
        LOG.infof("%s changed: new connections to Tempo trust the CAs it holds now", CA_FILE_KEY);
    }
}
