# shellcheck shell=bash
# Native Kafka for scripts/services.sh: the broker jars from Maven Central (pom.xml beside this
# file), run as one KRaft node (broker + controller) with a small heap. Sourced; uses lib.sh.
# kafkajs 2.2.4 works against Kafka 4.x (produce, consume with groups, transactions, admin).

KAFKA_VERSION=${VANE_RIG_KAFKA_VERSION:-4.3.1}
KAFKA_PORT=${VANE_RIG_KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${VANE_RIG_KAFKA_CONTROLLER_PORT:-19093}
KAFKA_DIR=$RIG/kafka
KAFKA_LIBS=$KAFKA_DIR/libs
KAFKA_DATA=$KAFKA_DIR/data
KAFKA_PID=$KAFKA_DIR/kafka.pid
KAFKA_OUT=$KAFKA_DIR/log/stdout.log
KAFKA_LOGS=("$KAFKA_DIR/log/server.log" "$KAFKA_OUT")
KAFKA_PATTERN=kafka.Kafka

kafka_native_address() { echo "127.0.0.1:$KAFKA_PORT"; }

kafka_java() { echo "${JAVA_HOME:+$JAVA_HOME/bin/}java"; }

kafka_native_install() {
  if ! command -v "$(kafka_java)" >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    apt_install openjdk-17-jre-headless maven
  fi
  local java_major
  java_major=$("$(kafka_java)" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ { print $2 }')
  ((${java_major%%.*} >= 17)) || die "Kafka $KAFKA_VERSION needs Java 17+, found Java $java_major ($(kafka_java))"

  if [[ -f $KAFKA_LIBS/.version && $(<"$KAFKA_LIBS/.version") == "$KAFKA_VERSION" ]]; then
    return 0
  fi
  rm -rf "$KAFKA_LIBS.tmp"
  run_step "mvn: fetching Kafka $KAFKA_VERSION jars into $KAFKA_LIBS" "$KAFKA_DIR/log/maven.log" \
    mvn -B -ntp -f "$SERVICES_DIR/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIBS.tmp"
  [[ -f $KAFKA_LIBS.tmp/kafka_2.13-$KAFKA_VERSION.jar ]] ||
    die "mvn finished but kafka_2.13-$KAFKA_VERSION.jar is missing. Log: $KAFKA_DIR/log/maven.log"
  echo "$KAFKA_VERSION" >"$KAFKA_LIBS.tmp/.version"
  rm -rf "$KAFKA_LIBS"
  mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
}

# Writes server.properties with this rig's ports and data dir.
kafka_render_config() {
  local text
  text=$(<"$SERVICES_DIR/kafka/server.properties")
  text=${text//@PORT@/$KAFKA_PORT}
  text=${text//@CONTROLLER_PORT@/$KAFKA_CONTROLLER_PORT}
  text=${text//@DATA_DIR@/$KAFKA_DATA}
  printf '%s\n' "$text" >"$KAFKA_DIR/server.properties"
}

# A random KRaft cluster id: 16 random bytes, URL-safe base64 without padding (as
# `kafka-storage random-uuid` prints), never starting with '-' (it would read as an option).
kafka_cluster_id() {
  local id=-
  while [[ $id == -* ]]; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  done
  echo "$id"
}

# The java command line (heap, GC, logging, classpath) shared by the storage tool and the broker.
kafka_jvm_command() {
  KAFKA_JVM=("$(kafka_java)" -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    -Dkafka.logs.dir="$KAFKA_DIR/log" -Dlog4j2.configurationFile="$SERVICES_DIR/kafka/log4j2.xml"
    -cp "$KAFKA_LIBS/*")
}

kafka_native_start() {
  mkdir -p "$KAFKA_DIR/log"
  kafka_render_config
  kafka_jvm_command
  if [[ ! -f $KAFKA_DATA/meta.properties ]]; then
    rm -rf "$KAFKA_DATA"
    run_step "Kafka: formatting KRaft storage in $KAFKA_DATA" "$KAFKA_DIR/log/format.log" \
      "${KAFKA_JVM[@]}" kafka.tools.StorageTool format --cluster-id="$(kafka_cluster_id)" \
      --config="$KAFKA_DIR/server.properties"
  fi
  start_daemon "$KAFKA_PID" "$KAFKA_OUT" "${KAFKA_JVM[@]}" kafka.Kafka "$KAFKA_DIR/server.properties"
  wait_tcp Kafka 127.0.0.1 "$KAFKA_PORT" 120 "$KAFKA_PID" "$KAFKA_PATTERN" "${KAFKA_LOGS[@]}"
}

kafka_native_stop() { stop_daemon Kafka "$KAFKA_PID" "$KAFKA_PATTERN"; }
