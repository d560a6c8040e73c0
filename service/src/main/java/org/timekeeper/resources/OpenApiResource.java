package org.timekeeper.resources;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.timekeeper.api.MediaTypes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The OpenAPI 3 document kept in the repository (src/main/resources/openapi.yaml), as YAML and as JSON. */
@Path("/")
public class OpenApiResource {

    public static final String DOCUMENT = "/openapi.yaml";
    static final String APPLICATION_YAML_UTF8 = "application/yaml; charset=utf-8";

    private final String yaml;
    private final JsonNode json;

    public OpenApiResource() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DOCUMENT);
            }
            this.yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            this.json = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DOCUMENT, e);
        }
    }

    @GET
    @Path("openapi.yaml")
    @Produces(APPLICATION_YAML_UTF8)
    @Timed
    public String yaml() {
        return yaml;
    }

    @GET
    @Path("openapi.json")
    @Produces(MediaTypes.APPLICATION_JSON_UTF8)
    @Timed
    public JsonNode json() {
        return json;
    }
}
