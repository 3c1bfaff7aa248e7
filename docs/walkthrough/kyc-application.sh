#!/usr/bin/env bash
# Writes a KYC application (the JSON body of POST /kyc/cases/{id}/evidence) for a German passport (ICAO 9303 TD3)
# with a machine-readable zone whose check digits are correct, valid for five more years, and a placeholder
# document image. Invented data for the dev host: the document number is random unless given.
#
#   usage: docs/walkthrough/kyc-application.sh GIVEN_NAMES FAMILY_NAME BIRTH_DATE(yyyy-MM-dd) [DOCUMENT_NUMBER]
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 GIVEN_NAMES FAMILY_NAME BIRTH_DATE [DOCUMENT_NUMBER]" >&2; exit 2; }
given=$1 family=$2 birth=$3
number=${4:-C$(printf '%08d' $(( (RANDOM * 32768 + RANDOM) % 100000000 )))}

# ICAO 9303 check digit: weights 7, 3, 1; digits are their value, A-Z 10-35, '<' 0.
check_digit() {
  local field=$1 sum=0 i c v weights=(7 3 1)
  for (( i = 0; i < ${#field}; i++ )); do
    c=${field:i:1}
    case $c in
      [0-9]) v=$c ;;
      [A-Z]) v=$(( $(printf '%d' "'$c") - 55 )) ;;
      *) v=0 ;;
    esac
    sum=$(( sum + v * weights[i % 3] ))
  done
  echo $(( sum % 10 ))
}
mrz_name() { echo "$1" | tr '[:lower:]' '[:upper:]' | tr -c 'A-Z\n' '<'; }
pad() { local text=$1; while [ ${#text} -lt "$2" ]; do text+="<"; done; echo "${text:0:$2}"; }

line1=$(pad "P<D<<$(mrz_name "$family")<<$(mrz_name "$given")" 44)
doc=$(pad "$number" 9)
born=$(date -d "$birth" +%y%m%d)
expires=$(date -d "+5 years" +%y%m%d)
optional=$(pad "" 14)
upper="$doc$(check_digit "$doc")D<<$born$(check_digit "$born")F$expires$(check_digit "$expires")$optional$(check_digit "$optional")"
composite=$(check_digit "${upper:0:10}${upper:13:7}${upper:21:22}")

jq -n --arg given "$given" --arg family "$family" --arg birth "$birth" --arg number "$number" \
  --arg mrz "$line1"$'\n'"$upper$composite" \
  '{givenNames: $given, familyName: $family, birthDate: $birth, nationality: "DEU", documentNumber: $number,
    issuingCountry: "DEU", mrz: $mrz, documentImage: "/9j/4AAQSkZJRgABAQ==", documentImageType: "image/jpeg"}'
