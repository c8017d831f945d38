" Vim syntax file for mynaflow designs and rulebooks (*.myna).
" Install: copy to ~/.vim/syntax/myna.vim and add
"   autocmd BufRead,BufNewFile *.myna setfiletype myna
" Kept in step with the lexer by tests/editor_grammars.rs.

if exists("b:current_syntax")
  finish
endif

" A keyword is a whole bare name, as the lexer reads it: between the
" characters that end a name (white space, syntax, their full-width forms,
" an arrow), never inside one such as `hr.data` or `本社/in` (`syn keyword`
" would split names at every character outside 'iskeyword').
syn match mynaStatement !\v%(^|[[:space:]{}:,#"()：，｛｝＃　])@4<=%(use|actor|data|flow|rulebook|role|category|section|purpose|allow|contractor|clause)%($|[[:space:]{}:,#"()：，｛｝＃　→]|-\>|\<-\>)@=!
syn match mynaKeyword !\v%(^|[[:space:]{}:,#"()：，｛｝＃　])@4<=%(revised|in|clauses|for|via|basis|mynumber|self|carrier|subject)%($|[[:space:]{}:,#"()：，｛｝＃　→]|-\>|\<-\>)@=!
syn match mynaArrow "<->\|->\|→"
syn match mynaFullWidth "[：，｛｝　]"
syn match mynaParen "[()]"
syn region mynaString start=+"+ skip=+\\"+ end=+"\|$+ contains=mynaEscape
syn match mynaEscape +\\["\\]+ contained
syn match mynaCode "\<MN[0-9]\{3}\>" contained
syn match mynaAnnotation "\<\(expect\|mynaflow\):" contained
syn match mynaComment "[#＃].*$" contains=mynaCode,mynaAnnotation

hi def link mynaStatement Statement
hi def link mynaKeyword Keyword
hi def link mynaArrow Operator
hi def link mynaFullWidth Error
hi def link mynaParen Error
hi def link mynaString String
hi def link mynaEscape SpecialChar
hi def link mynaCode Constant
hi def link mynaAnnotation Todo
hi def link mynaComment Comment

let b:current_syntax = "myna"
