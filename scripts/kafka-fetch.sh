#!/usr/bin/env bash
# Fetches a real Apache Kafka broker, as jars from Maven Central, for the suites that deliver to Kafka
# (tests/collector/kafka.test.ts through @secmon/test-utils' KafkaServer). No container registry is reachable from
# our machines, so the broker runs as a child process of the test: `java -cp '<lib>/*' kafka.Kafka ...`.
#
#   scripts/kafka-fetch.sh            # prints the lib directory on stdout
#
# - Version: SECMON_KAFKA_VERSION (default 4.4.0, the newest org.apache.kafka:kafka_2.13 that resolves whole).
#   Kafka 4.x brokers need Java 17+ (the machine's /usr/bin/java is 17).
# - Jars: kafka_2.13 with its runtime dependencies, kafka-tools (the console consumer the suites read topics with),
#   and the logging binding the broker needs (slf4j 2 -> log4j2: kafka-server already brings log4j-core).
# - Cache: Maven's own (~/.m2); the jars are copied into SECMON_KAFKA_LIB_DIR (default
#   node_modules/.cache/secmon-kafka/<version>/lib), which KafkaServer reads. A stamp written last makes a second
#   run a no-op (well under a second); an interrupted run leaves no stamp and is redone.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${SECMON_KAFKA_VERSION:-4.4.0}"
# Pinned with the Kafka version: log4j-core comes from kafka-server 4.4.0 (2.25.5), and the binding must match it.
log4j_version="2.25.5"
slf4j_version="2.0.17"
lib="${SECMON_KAFKA_LIB_DIR:-$PWD/node_modules/.cache/secmon-kafka/$version/lib}"
stamp="$lib/.secmon-kafka-$version"

if [[ -f "$stamp" ]]; then
  echo "$lib"
  exit 0
fi
command -v mvn >/dev/null || { echo "kafka-fetch: mvn is not on PATH (apt-get install maven)" >&2; exit 1; }
command -v java >/dev/null || { echo "kafka-fetch: java is not on PATH (Kafka $version needs Java 17+)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/secmon-kafka-fetch-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.secmon.test</groupId>
  <artifactId>kafka-broker-libs</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <!-- the console consumer only: its own dependencies (Connect, Jetty, Jersey: 35 MB) are not needed for it -->
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$version</version>
      <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>
    </dependency>
    <!-- kafka_2.13's pom mediates slf4j-api down to 1.7 (through scala-logging); the broker is built on slf4j 2 -->
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>$slf4j_version</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>$log4j_version</version></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>3.8.1</version>
      </plugin>
    </plugins>
  </build>
</project>
EOF
started=$(date +%s)
mvn -B -q -Dstyle.color=never -f "$work/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$work/lib" >&2
# Swap the whole directory in, so a reader never sees half a classpath.
mkdir -p "$(dirname "$lib")"
rm -rf "$lib"
mv "$work/lib" "$lib"
touch "$stamp"
echo "kafka-fetch: Kafka $version, $(ls "$lib" | wc -l) jars in $lib ($(( $(date +%s) - started ))s)" >&2
echo "$lib"
