package dev.tracegate.provisioner.support;

import dev.tracegate.provisioner.tempooperator.TempoResourceKind;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * Prepares the fabric8 mock API server before the application starts: the TempoGateway CRD (the generated one,
 * so that tests run against what users apply) and TokenReviews, which CRUD mode does not implement.
 */
public class KubernetesMockSetup implements Consumer<KubernetesServer> {
    static final String CRD = "META-INF/fabric8/tempogateways.tracegate.dev-v1.yml";
    public static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

    @Override
    public void accept(KubernetesServer server) {
        try (InputStream crd = Thread.currentThread().getContextClassLoader().getResourceAsStream(CRD)) {
            if (crd == null) {
                throw new IllegalStateException(CRD + " is not on the class path: the CRD generator did not run");
            }
            CustomResourceDefinition definition = server.getClient().apiextensions().v1().customResourceDefinitions().load(crd).item();
            server.getClient().apiextensions().v1().customResourceDefinitions().resource(definition).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The Tempo Operator's CRDs, for TempoGateways that take their tenants from a TempoStack or TempoMonolithic.
        for (TempoResourceKind kind : TempoResourceKind.values()) {
            TempoOperatorResources.installCrd(server.getClient(), kind);
        }
        server.expect().post().withPath(TOKEN_REVIEWS).andReply(201, KubernetesMockSetup::review).always();
    }

    /**
     * Answers as the API server would for the tokens {@link ServiceAccountTokens} hands out (with the audiences it
     * found them valid for, as status.audiences does); refuses any other.
     */
    public static TokenReview review(RecordedRequest posted) {
        TokenReview request = Serialization.unmarshal(posted.getUtf8Body(), TokenReview.class);
        String token = request.getSpec().getToken();
        String user = ServiceAccountTokens.userOf(token);
        return new TokenReviewBuilder(request)
                .withNewStatus()
                .withAuthenticated(user != null)
                .withNewUser().withUsername(user).endUser()
                .withAudiences(user == null ? null : ServiceAccountTokens.audiencesOf(token, request.getSpec().getAudiences()))
                .endStatus()
                .build();
    }
}
