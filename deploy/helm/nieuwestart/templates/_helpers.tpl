{{/* Names and labels shared by every template. */}}

{{- define "nieuwestart.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "nieuwestart.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "nieuwestart.labels" -}}
{{ include "nieuwestart.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "nieuwestart.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}

{{/* The ConfigMap's data: derived from `host`, then `config` on top. */}}
{{- define "nieuwestart.configData" -}}
{{- $derived := dict "DJANGO_ALLOWED_HOSTS" .Values.host "DJANGO_CSRF_TRUSTED_ORIGINS" (printf "https://%s" .Values.host) "NIEUWESTART_SITE_URL" (printf "https://%s" .Values.host) "WEB_CONCURRENCY" (toString .Values.web.workers) "GUNICORN_THREADS" (toString .Values.web.threads) -}}
{{- $merged := merge (deepCopy .Values.config) $derived -}}
{{- range $key := keys $merged | sortAlpha }}
{{ $key }}: {{ get $merged $key | toString | quote }}
{{- end -}}
{{- end -}}

{{/* Environment of every app container: the ConfigMap plus references into the Secret.
     `databaseUrlKey` (migrations job only) reads DATABASE_URL from another key: the owner role. */}}
{{- define "nieuwestart.env" -}}
envFrom:
  - configMapRef:
      name: {{ .configMap }}
env:
{{- range $name, $ref := .root.Values.secrets.keys }}
  - name: {{ $name }}
    valueFrom:
      secretKeyRef:
        name: {{ $.root.Values.secrets.existingSecret }}
        {{- if and (eq $name "DATABASE_URL") $.databaseUrlKey }}
        key: {{ $.databaseUrlKey }}
        {{- else }}
        key: {{ $ref.key }}
        {{- end }}
        optional: {{ $ref.optional }}
{{- end }}
{{- end -}}

{{/* Pod-level settings shared by web, migrations and scheduler pods. */}}
{{- define "nieuwestart.podSpecCommon" -}}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
{{- end -}}
