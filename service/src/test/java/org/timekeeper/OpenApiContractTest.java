package org.timekeeper;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.timekeeper.resources.IpResource;
import org.timekeeper.resources.OpenApiResource;
import org.timekeeper.servlets.ZoneNames;
import org.timekeeper.testing.RawHttp;
import org.timekeeper.testing.RawHttp.Reply;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real responses of the running application, successes and errors, checked against the OpenAPI
 * document kept in the repository; every path of the document is exercised.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class OpenApiContractTest {

    static final DropwizardAppExtension<TimekeeperConfiguration> APP = TimekeeperTestApps.app();

    /** One call: the document's path it exercises, what is sent, and the status expected back. */
    private record Call(String documentPath, String path, Map<String, String> headers, int status) {
        static Call of(String documentPath, String path, int status) {
            return new Call(documentPath, path, Map.of(), status);
        }
    }

    private static final List<Call> DOCUMENTED_CALLS = List.of(
            Call.of("/timezone", "/api/timezone", 200),
            new Call("/timezone", "/api/timezone", Map.of("Accept", "application/xml"), 406),
            Call.of("/timezone.txt", "/api/timezone.txt", 200),
            Call.of("/timezone/{area}", "/api/timezone/europe", 200),
            Call.of("/timezone/{area}", "/api/timezone/Atlantis", 404),
            Call.of("/timezone/{area}", "/api/timezone/Euro%24pe", 400),
            Call.of("/timezone/{area}", "/api/timezone/EST5EDT", 200),
            Call.of("/timezone/{area}", "/api/timezone/" + "A".repeat(64), 404),
            Call.of("/timezone/{area}", "/api/timezone/" + "A".repeat(65), 400),
            Call.of("/timezone/{area}.txt", "/api/timezone/CET.txt", 200),
            Call.of("/timezone/{area}.txt", "/api/timezone/America.txt", 200),
            Call.of("/timezone/{area}.txt", "/api/timezone/Atlantis.txt", 404),
            Call.of("/timezone/{area}/{location}", "/api/timezone/Europe/London", 200),
            Call.of("/timezone/{area}/{location}", "/api/timezone/US/Eastern", 200),
            Call.of("/timezone/{area}/{location}", "/api/timezone/Asia/Kathmandu", 200),
            Call.of("/timezone/{area}/{location}", "/api/timezone/Europe/Atlantis", 404),
            Call.of("/timezone/{area}/{location}", "/api/timezone/Europe/" + "L".repeat(70), 400),
            Call.of("/timezone/{area}/{location}", "/api/timezone/Etc/GMT%2B5", 200),
            Call.of("/timezone/{area}/{location}", "/api/timezone/Europe/Lon%20don", 400),
            new Call("/timezone/{area}/{location}", "/api/timezone/Europe/London", Map.of("Accept", "text/html"), 406),
            Call.of("/timezone/{area}/{location}.txt", "/api/timezone/Australia/Sydney.txt", 200),
            Call.of("/timezone/{area}/{location}.txt", "/api/timezone/Europe/Atlantis.txt", 404),
            Call.of("/timezone/{area}/{location}/{region}", "/api/timezone/America/Argentina/Buenos_Aires", 200),
            Call.of("/timezone/{area}/{location}/{region}", "/api/timezone/America/Argentina/Atlantis", 404),
            Call.of("/timezone/{area}/{location}/{region}.txt", "/api/timezone/America/Indiana/Knox.txt", 200),
            Call.of("/ip", "/api/ip", 404),
            Call.of("/ip.txt", "/api/ip.txt", 404),
            Call.of("/ip/{ipv4}", "/api/ip/198.51.100.1", 404),
            Call.of("/ip/{ipv4}", "/api/ip/198.51.100", 400),
            Call.of("/ip/{ipv4}.txt", "/api/ip/198.51.100.1.txt", 404),
            Call.of("/info", "/api/info", 200),
            Call.of("/openapi.yaml", "/api/openapi.yaml", 200),
            Call.of("/openapi.json", "/api/openapi.json", 200));

    /** Errors outside the document's operations (no such path or method, Jetty's own): the body is still its Error. */
    private static final List<Call> UNDOCUMENTED_ERRORS = List.of(
            Call.of("-", "/api/nope", 404),
            Call.of("-", "/nope", 404),
            Call.of("-", "/api/timezone/a/b/c/d", 404),
            Call.of("-", "/api/%2e%2e/x", 400),
            Call.of("-", "/api/timezone/" + "x".repeat(20_000), 414));

    private static OpenAPI api;
    private static OpenApiInteractionValidator validator;

    @BeforeAll
    static void loadDocument() throws IOException {
        final String document;
        try (InputStream in = OpenApiResource.class.getResourceAsStream(OpenApiResource.DOCUMENT)) {
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final ParseOptions options = new ParseOptions();
        options.setResolve(true);
        final SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document, null, options);
        assertThat(parsed.getMessages()).as("the OpenAPI document parses cleanly").isEmpty();
        api = parsed.getOpenAPI();
        validator = OpenApiInteractionValidator.createFor(api).withStrictOperationPathMatching().build();
    }

    @Test
    void everyDocumentedPathIsExercised() {
        final Set<String> exercised = DOCUMENTED_CALLS.stream().map(Call::documentPath)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(exercised).isEqualTo(new TreeSet<>(api.getPaths().keySet()));
    }

    @Test
    void documentedCallsMatchTheDocument() throws IOException {
        for (Call call : DOCUMENTED_CALLS) {
            final Reply reply = send(call);
            assertThat(reply.status()).as("%s %s", call.path(), reply.body()).isEqualTo(call.status());
            final SimpleRequest.Builder request = SimpleRequest.Builder.get(call.path());
            call.headers().forEach(request::withHeader);
            final ValidationReport report = validator.validate(request.build(), SimpleResponse.Builder
                    .status(reply.status())
                    .withContentType(reply.header("Content-Type"))
                    .withBody(reply.body())
                    .build());
            assertThat(report.getMessages().stream()
                    .filter(message -> !deliberatelyUnacceptable(call, message))
                    .filter(message -> !(isAboutTheRequest(message) && (call.status() == 400 || !requestJudgeable(call)))))
                    .as("%s -> %d", call.path(), reply.status()).isEmpty();
            if (requestJudgeable(call)) {
                assertThat(report.getMessages().stream()
                        .filter(message -> !deliberatelyUnacceptable(call, message))
                        .anyMatch(OpenApiContractTest::isAboutTheRequest))
                        .as("the document calls %s invalid exactly when the service answers 400", call.path())
                        .isEqualTo(call.status() == 400);
            }
        }
    }

    @Test
    void theDocumentDeclaresTheChecksTheServiceMakes() {
        for (String parameter : List.of("area", "location", "region")) {
            final Schema<?> segment = api.getComponents().getParameters().get(parameter).getSchema();
            assertThat(segment.getPattern()).as(parameter)
                    .isEqualTo("^" + ZoneNames.SEGMENT_PATTERN.replace("\\-", "-") + "$");
            assertThat(segment.getMaxLength()).as(parameter).isEqualTo(ZoneNames.MAX_SEGMENT_LENGTH);
        }
        final Schema<?> ipv4 = api.getComponents().getParameters().get("ipv4").getSchema();
        assertThat(ipv4.getPattern()).isEqualTo("^" + IpResource.IPV4_PATTERN + "$");
        assertThat(ipv4.getFormat()).isEqualTo("ipv4");
    }

    private static boolean isAboutTheRequest(ValidationReport.Message message) {
        return message.getKey().startsWith("validation.request.");
    }

    /**
     * The validator cuts a path parameter at its first dot when the template goes on with a
     * suffix ("/ip/{ipv4}.txt" reads ipv4 "198"), so it would judge that request by a wrong
     * value; the /ip/{ipv4} calls check the same parameter.
     */
    private static boolean requestJudgeable(Call call) {
        return !call.documentPath().equals("/ip/{ipv4}.txt");
    }

    /** A 406 call sends an Accept header the document does not allow: that is the point of the call. */
    private static boolean deliberatelyUnacceptable(Call call, ValidationReport.Message message) {
        return call.status() == 406 && message.getKey().equals("validation.request.accept.notAllowed");
    }

    private static Reply send(Call call) throws IOException {
        return RawHttp.send("127.0.0.1", APP.getLocalPort(), Request.Method.GET.name(), call.path(), call.headers(),
                10_000);
    }
}
